"""The ingest health summary in words, for HQ's page: one row per watched account (its state, the last poll
and the next one in IST, how far behind X it is, the last error as a sentence) and the outbox in counts.
The rows follow the summary's own list of accounts, so an account added to the watch list shows up here."""

from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy, ngettext, pgettext_lazy

from complaints import dates

STATES = {
    "polling": pgettext_lazy("ingest state", "Polling"),
    "behind": pgettext_lazy("ingest state", "Behind"),
    "failing": pgettext_lazy("ingest state", "Failing"),
    "stopped": pgettext_lazy("ingest state", "Stopped"),
    "never": pgettext_lazy("ingest state", "Never polled"),
}

ERRORS = {
    "unauthorized": gettext_lazy("X did not accept the desk's credentials. Polling has stopped until an "
                                 "engineer renews them and clears the pause in the admin."),
    "credits": gettext_lazy("The X account has run out of paid credits. Polling has stopped until the bill "
                            "is paid and the pause is cleared in the admin."),
    "forbidden": gettext_lazy("X refused access to this account's mentions. Polling has stopped until an "
                              "engineer checks the account's access and clears the pause in the admin."),
    "not_found": gettext_lazy("X does not know this account. Check its handle in the units registry."),
    "rate_limited": gettext_lazy("X asked the desk to slow down (rate limit). Polling resumes by itself when "
                                 "X allows it."),
    "x_unavailable": gettext_lazy("X was not answering properly. The desk tries again by itself, waiting a "
                                  "little longer each time."),
    "network": gettext_lazy("X could not be reached (network or timeout). The desk tries again by itself."),
    "refused": gettext_lazy("X refused the request. An engineer should look at the details below."),
    "no_credentials": gettext_lazy("No X credentials are set, so nothing is fetched. An engineer sets them in "
                                   "the environment."),
    "unreadable": gettext_lazy("X's answer could not be read. The desk tries again by itself."),
    "filing_failed": gettext_lazy("Mentions were fetched but could not be filed. An engineer should look at the "
                                  "details below; nothing is lost, the next poll fetches them again."),
    "other": gettext_lazy("The last poll did not finish. An engineer should look at the details below."),
}


def behind_words(seconds):
    """How far behind X an account is, in words: "2 minutes behind"."""
    if seconds is None:
        return _("Not yet caught up")
    minutes = int(seconds // 60)
    if minutes < 1:
        return _("Up to date (less than a minute)")
    if minutes < 120:
        return ngettext("%(n)d minute behind", "%(n)d minutes behind", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(n)d hour behind", "%(n)d hours behind", hours) % {"n": hours}
    days = hours // 24
    return ngettext("%(n)d day behind", "%(n)d days behind", days) % {"n": days}


def account_rows(summary):
    rows = []
    now = timezone.now()
    for account in summary.get("accounts", []):
        state = account.get("state") or "never"
        next_at = account.get("next_poll_at")
        if state == "stopped" or (state == "never" and next_at is None):
            next_words = _("Not until someone clears the pause") if state == "stopped" else "—"
        elif next_at is None or next_at <= now:
            next_words = _("Now")
        else:
            next_words = dates.ist(next_at)
        rows.append({
            "handle": account.get("handle", ""),
            "state": state,
            "state_label": str(STATES.get(state, state)),
            "last_poll": dates.ist(account.get("last_poll_at")) or _("Never"),
            "last_success": dates.ist(account.get("last_success_at")) or _("Never"),
            "behind": behind_words(account.get("behind_seconds")) if state != "never" else "—",
            "error": str(ERRORS.get(account.get("error_code"), "")) if account.get("error_code") else "",
            "next_poll": next_words,
            "gap": account.get("possible_gap", False),
            "mentions_24h": account.get("mentions_last_24h"),
            # Whose tokens it reads and replies with: its own, or the state account's.
            "own_voice": bool(account.get("own_tokens") or account.get("is_state")),
            "rate_limited_until": account.get("rate_limited_until"),
        })
    return rows


def outbox_line(summary):
    outbox = summary.get("outbox") or {}
    return {
        "waiting": sum(outbox.get(k, 0) for k in ("pending", "sending")),
        "held": outbox.get("held", 0),
        "dead": outbox.get("dead", 0),
        "manual": outbox.get("manual", 0),
        "last_sent": dates.ist(summary.get("last_sent_at")) or _("Never"),
        "mentions_24h": summary.get("mentions_last_24h", 0),
        "rejected_24h": summary.get("rejected_last_24h", 0),
        "urgent_waiting": (summary.get("reply_backlog") or {}).get("urgent", 0),
        "last_reply_at": dates.ist((summary.get("reply_backlog") or {}).get("last_at")),
    }
