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


STREAM_ERRORS = {
    "network": gettext_lazy("X could not be reached (network or timeout). The stream process tries again by "
                            "itself."),
    "silent": gettext_lazy("X sent nothing, not even a keep-alive, for longer than the stream waits, so the "
                           "connection was taken for dead and opened again."),
    "disconnected_by_x": gettext_lazy("X ended the stream with a message (for example for maintenance). The "
                                      "stream process connected again at once."),
    "unauthorized": gettext_lazy("X did not accept the desk's credentials for the stream. An engineer checks "
                                 "the app's bearer token and the state account's user token."),
    "forbidden": gettext_lazy("X refused the stream or its subscriptions. An engineer checks the app's access "
                              "to the Activity API and the state account's user token."),
    "too_many_connections": gettext_lazy("X refused another connection (at most two per app, or a rate limit). "
                                         "Check that only one stream process runs; it tries again by itself."),
    "x_unavailable": gettext_lazy("X was not answering properly. The stream process tries again by itself, "
                                  "waiting a little longer each time."),
    "refused": gettext_lazy("X refused the stream. An engineer should look at the details below."),
}


def stream_line(summary):
    """The stream's state in words (stream mode only), or None."""
    s = summary.get("stream")
    if not s:
        return None
    if s.get("connected"):
        state, label = "connected", pgettext_lazy("stream state", "Connected")
    elif s.get("process_silent"):
        state, label = "silent", pgettext_lazy("stream state", "Not heard from")
    elif s.get("next_attempt_at"):
        state, label = "waiting", pgettext_lazy("stream state", "Reconnecting")
    elif s.get("recorded"):
        state, label = "down", pgettext_lazy("stream state", "Not connected")
    else:
        state, label = "never", pgettext_lazy("stream state", "Never started")
    n = s.get("reconnects_24h") or 0
    reconnects = (ngettext("at least %(n)d reconnect in the last 24 hours",
                           "at least %(n)d reconnects in the last 24 hours", n) if s.get("reconnects_24h_capped")
                  else ngettext("%(n)d reconnect in the last 24 hours",
                                "%(n)d reconnects in the last 24 hours", n)) % {"n": n}
    wait = ""
    if s.get("next_attempt_at"):
        wait = _("Waiting %(seconds)s s after the last failure; next attempt at %(at)s") % {
            "seconds": f"{s.get('backoff_seconds') or 0:.0f}", "at": dates.ist(s["next_attempt_at"])}
    return {
        "state": state,
        "state_label": str(label),
        "handle": s.get("handle", ""),
        "connected_since": dates.ist(s.get("connected_since")) if s.get("connected") else "—",
        "last_seen": dates.ist(s.get("last_seen_at")) or _("Never"),
        "last_event": dates.ist(s.get("last_event_at")) or _("Never"),
        "reconnects": reconnects,
        "wait": wait,
        "error": str(STREAM_ERRORS.get(s.get("error_code"), STREAM_ERRORS["refused"])) if s.get("error_code") else "",
        "error_at": dates.ist(s.get("last_error_at")),
        "fallback": bool(s.get("fallback")),
    }
