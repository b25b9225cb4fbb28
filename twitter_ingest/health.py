"""Ingest health for the dashboard, as plain dicts: per watched account its checkpoint, last success,
pause reason, rate-limit wait, last runs and possible gaps; plus outbox and mention totals, and the input
lately rejected. Errors and reasons are given in the active language (complaints.reasons)."""

from datetime import timedelta

from django.db.models import Count, Max
from django.utils import timezone

from complaints import reasons

from .models import AccountState, Mention, Outbox, OutboxStatus, PollRun, RejectedInput
from .poller import watched_accounts


def summary(runs_per_account=5):
    now = timezone.now()
    states = {s.account_id: s for s in AccountState.objects.all()}
    accounts = []
    for account in watched_accounts():
        state = states.get(account.pk)
        runs = list(PollRun.objects.filter(account=account).order_by("-started_at", "-id")[:runs_per_account])
        last = runs[0] if runs else None
        accounts.append({
            "account_id": account.pk,
            "handle": account.handle,
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
        "mentions_last_24h": Mention.objects.filter(received_at__gte=now - timedelta(days=1)).count(),
        "rejected_last_24h": RejectedInput.objects.filter(created_at__gte=now - timedelta(days=1)).count(),
    }


def rejected(limit=50):
    """The input lately rejected, newest first, each reason in the active language (rows stored before the
    reasons were codes read as they were written)."""
    return [{"id": r.pk, "created_at": r.created_at, "source": r.source, "line": r.line,
             "reason": reasons.describe(r.reason), "reason_code": reasons.code_of(r.reason), "excerpt": r.excerpt}
            for r in RejectedInput.objects.order_by("-created_at", "-id")[:limit]]
