"""The replies waiting to go out and when the last of them will, for HQ's ingest page.

X lets an account post about 100 times in 15 minutes (the sender keeps to X_POST_MAX_PER_15MIN), so a
burst of mentions leaves replies queued. The sender takes them urgent first, then the longest waiting
(outbox.due_in_order); this estimate follows the same order per posting account: what the account may
still post in the current 15 minutes goes at the sender's pace (X_OUTBOX_BATCH every X_OUTBOX_INTERVAL s),
each further X_POST_MAX_PER_15MIN rows wait another 15 minutes. A row backing off after an error goes no
earlier than its next attempt."""

import math
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from complaints.models import Priority

from .models import Outbox, OutboxStatus

WINDOW = timedelta(minutes=15)
WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING)


def backlog(now=None):
    """{"waiting", "urgent", "last_at"}: rows waiting, those about urgent complaints, and when the last
    waiting row should be posted (None when nothing waits)."""
    now = now or timezone.now()
    waiting = Outbox.objects.filter(status__in=WAITING, folded_into__isnull=True)  # a folded forward is no post
    per_account = list(waiting.values("account_id").annotate(
        n=Count("id"), urgent=Count("id", filter=Q(complaint__priority=Priority.URGENT)),
        latest_retry=Max("next_attempt_at")))
    if not per_account:
        return {"waiting": 0, "urgent": 0, "last_at": None}
    sent = dict(Outbox.objects.filter(status=OutboxStatus.SENT, sent_at__gte=now - WINDOW)
                .values_list("account_id").annotate(n=Count("id")).values_list("account_id", "n"))
    limit = max(1, settings.X_POST_MAX_PER_15MIN)
    pace = timedelta(seconds=settings.X_OUTBOX_INTERVAL) / max(1, settings.X_OUTBOX_BATCH)
    last = now
    for account in per_account:
        free = max(0, limit - sent.get(account["account_id"], 0))
        beyond = account["n"] - free
        at = now + pace * min(account["n"], free) if beyond <= 0 else now + WINDOW * math.ceil(beyond / limit)
        last = max(last, at, account["latest_retry"] or now)
    return {"waiting": sum(a["n"] for a in per_account), "urgent": sum(a["urgent"] for a in per_account),
            "last_at": last}
