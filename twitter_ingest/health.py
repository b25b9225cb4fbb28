"""Ingest health for the dashboard, as plain dicts: per watched account its checkpoint, last success,
pause reason, rate-limit wait, last runs and possible gaps; plus outbox and mention totals. Each account
also carries what a person reads first: its state (polling, behind, failing, stopped, never polled), how
far behind X it is, its last error as a code (the dashboard words it in the reader's language) and when
it is polled next.
Per account also: whether it reads and posts with its own tokens and the mentions addressed to it in
the last 24 hours.
In stream mode, the stream's state too (stream_state): connected since, last event, reconnects, the wait
before the next attempt, the last error and whether the beat's fallback polling is on.
Errors and reasons in the engineers' figures are given in the active language (complaints.reasons),
and the input lately rejected is listed."""

import re
from datetime import datetime, timedelta, timezone as dt_timezone

from django.conf import settings

from django.db.models import Count, Max
from django.utils import timezone

from complaints import reasons
from districts.models import XAccount

from . import credentials, pacing, reply_backlog, stream, stream_state
from .models import AccountState, Mention, MentionedAccount, Outbox, OutboxStatus, PollRun, RejectedInput
from .poller import watched_accounts


# Where the error texts this app writes begin: "403: ...", "paused: 402: ...", "429 rate limited ...",
# "No X credentials...", "unreadable response: ...", "filing failed: ...", a transport error's class name.
_STATUS = re.compile(r"^(?:paused: )?(\d{3})\b")
_STATUS_CODES = {401: "unauthorized", 402: "credits", 403: "forbidden", 404: "not_found", 429: "rate_limited"}
_NETWORK = ("Timeout", "ConnectionError", "ConnectTimeout", "ReadTimeout", "TwitterServerError")


# The poller's stored reasons (complaints.reasons) whose words the page can give without reading X's answer.
_REASON_CODES = {reasons.NO_CREDENTIALS: "no_credentials", reasons.RATE_LIMITED: "rate_limited",
                 reasons.UNREADABLE: "unreadable", reasons.FILING_FAILED: "filing_failed"}


def error_code(text):
    """A short code for an error of the poller (a stored reason, or the plain text of older rows and of a
    pause), "" for none."""
    text = (text or "").strip()
    if not text:
        return ""
    for code, params in reasons.decode(text):
        if code in _REASON_CODES:
            return _REASON_CODES[code]
        if code == reasons.FAILURES_IN_A_ROW:
            continue
        # X's own answer or the exception is the detail: read it as the older plain texts were.
        return error_code(str(params.get("detail", ""))) or "other"
    match = _STATUS.match(text)
    if match:
        status = int(match.group(1))
        return _STATUS_CODES.get(status, "x_unavailable" if status >= 500 else "refused")
    if text.startswith("No X credentials"):
        return "no_credentials"
    if text.startswith("unreadable response"):
        return "unreadable"
    if text.startswith("filing failed"):
        return "filing_failed"
    if any(name in text for name in _NETWORK):
        return "network"
    return "other"


def account_state(state, now):
    """(state, seconds behind X) of one account: never | stopped | failing | behind | polling."""
    if state is None or not state.last_poll_at:
        return "never", None
    behind = (now - state.last_success_at).total_seconds() if state.last_success_at else None
    if state.paused_reason:
        return "stopped", behind
    if state.failures or state.last_error:
        return "failing", behind
    limited = state.rate_limited_until and state.rate_limited_until > now
    if limited or behind is None or behind > settings.HEALTH_INGEST_STALE_SECONDS:
        return "behind", behind
    return "polling", behind


def next_poll(state, now):
    """When the account is polled next: never while stopped; otherwise the interval after the last poll, or
    later when X's rate limit or a back-off after errors says so."""
    if state is None:
        return now
    if state.paused_reason:
        return None
    paced = pacing.state(state.account_id).get("next_at")
    regular = (datetime.fromtimestamp(paced, tz=dt_timezone.utc) if paced else
               state.last_poll_at and state.last_poll_at + timedelta(seconds=settings.X_POLL_INTERVAL))
    due = [t for t in (regular, state.retry_after, state.rate_limited_until) if t]
    return max(due + [now])


def summary(runs_per_account=5):
    now = timezone.now()
    states = {s.account_id: s for s in AccountState.objects.all()}
    day = now - timedelta(days=1)
    addressed = dict(MentionedAccount.objects.filter(seen_at__gte=day).values_list("account")
                     .annotate(n=Count("id")).values_list("account", "n"))
    accounts = []
    for account in watched_accounts():
        state = states.get(account.pk)
        runs = list(PollRun.objects.filter(account=account).order_by("-started_at", "-id")[:runs_per_account])
        last = runs[0] if runs else None
        condition, behind = account_state(state, now)
        accounts.append({
            "state": condition,
            "behind_seconds": behind,
            "error_code": error_code(state.paused_reason or state.last_error if state else ""),
            "next_poll_at": next_poll(state, now),
            "account_id": account.pk,
            "handle": account.handle,
            "user_id": account.user_id or (state.user_id if state else "") or "",
            # Whose tokens it is read and answered with: its own, or the state account's.
            "own_tokens": credentials.has_own(account),
            "is_state": credentials.is_state(account),
            "mentions_last_24h": addressed.get(account.pk, 0),
            "since_id": state.since_id if state else "",
            "last_poll_at": state.last_poll_at if state else None,
            "last_success_at": state.last_success_at if state else None,
            "paused_reason": state.paused_reason if state else "",
            "rate_limited_until": state.rate_limited_until if state and state.rate_limited_until
            and state.rate_limited_until > now else None,
            "failures": state.failures if state else 0,
            "last_error": reasons.describe(state.last_error) if state else "",
            "lag_seconds": last.lag_seconds if last else None,
            "rate_limit_remaining": last.rate_limit_remaining if last else None,
            "possible_gap": PollRun.objects.filter(account=account, reached_800_cap=True,
                                                   started_at__gte=now - timedelta(days=1)).exists(),
            "ok": bool(state and state.last_success_at and not state.paused_reason and not state.failures),
            "recent_runs": [{
                "id": r.pk, "kind": r.kind, "started_at": r.started_at, "finished_at": r.finished_at,
                "fetched": r.fetched, "filed": r.filed, "newest_id": r.newest_id, "lag_seconds": r.lag_seconds,
                "error": reasons.describe(r.error), "reached_800_cap": r.reached_800_cap, "outcomes": r.outcomes,
            } for r in runs],
        })
    outbox_counts = dict(Outbox.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {
        "generated_at": now,
        "accounts": accounts,
        "outbox": {status: outbox_counts.get(status, 0) for status in OutboxStatus.values},
        "last_sent_at": Outbox.objects.filter(status=OutboxStatus.SENT).aggregate(at=Max("sent_at"))["at"],
        "reply_backlog": reply_backlog.backlog(now),
        "mentions_last_24h": Mention.objects.filter(received_at__gte=now - timedelta(days=1)).count(),
        "rejected_last_24h": RejectedInput.objects.filter(created_at__gte=now - timedelta(days=1)).count(),
        "stream": stream_summary(now),
    }


def stream_summary(now=None):
    """In stream mode, the stream's state (stream_state.read) and whether the beat has fallen back to
    polling the account as in poll mode because the stream is silent; None in poll mode."""
    if not stream.enabled():
        return None
    try:
        account = stream.state_account()
    except XAccount.DoesNotExist:
        return None
    state = stream_state.read(account, now)
    state["fallback"] = not stream.is_live(account.pk)
    return state


def rejected(limit=50):
    """The input lately rejected, newest first, each reason in the active language (rows stored before the
    reasons were codes read as they were written)."""
    return [{"id": r.pk, "created_at": r.created_at, "source": r.source, "line": r.line,
             "reason": reasons.describe(r.reason), "reason_code": reasons.code_of(r.reason), "excerpt": r.excerpt}
            for r in RejectedInput.objects.order_by("-created_at", "-id")[:limit]]
