"""Ingest health for the dashboard, as plain dicts: per watched account its checkpoint, last success,
pause reason, rate-limit wait, whether it reads and posts with its own tokens, the mentions addressed to it
in the last 24 hours, last runs and possible gaps; plus outbox and mention totals."""

from datetime import timedelta

from django.db.models import Count, Max
from django.utils import timezone

from . import credentials
from .models import AccountState, Mention, MentionedAccount, Outbox, OutboxStatus, PollRun, RejectedInput
from .poller import watched_accounts


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
        accounts.append({
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
            "last_error": state.last_error if state else "",
            "lag_seconds": last.lag_seconds if last else None,
            "rate_limit_remaining": last.rate_limit_remaining if last else None,
            "possible_gap": PollRun.objects.filter(account=account, reached_800_cap=True,
                                                   started_at__gte=now - timedelta(days=1)).exists(),
            "ok": bool(state and state.last_success_at and not state.paused_reason and not state.failures),
            "recent_runs": [{
                "id": r.pk, "kind": r.kind, "started_at": r.started_at, "finished_at": r.finished_at,
                "fetched": r.fetched, "filed": r.filed, "newest_id": r.newest_id, "lag_seconds": r.lag_seconds,
                "error": r.error, "reached_800_cap": r.reached_800_cap, "outcomes": r.outcomes,
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
