"""Thin Celery tasks: each calls one module function. All are idempotent (the unique tweet id, the
outbox row claim) and acks_late, so a task redelivered after a worker died does no harm."""

from celery import shared_task
from django.conf import settings

from complaints import reasons

from . import account_audit, deletions, outbox, pacing, poller, stream, watches

LIMITS = dict(acks_late=True, soft_time_limit=240, time_limit=300)


def _same_queue(task):
    """Follow-up tasks go to the queue this one came from (a worker may serve a queue of its own)."""
    info = getattr(task.request, "delivery_info", None) or {}
    return {"queue": info["routing_key"]} if info.get("routing_key") else {}


@shared_task(bind=True, name="twitter_ingest.tasks.poll_all", **LIMITS)
def poll_all(self, overlap=False):
    """Beat's tick: queue a poll of each account that is due (pacing.py) and not already queued."""
    for account_id in poller.watched_accounts().values_list("pk", flat=True):
        if not overlap and stream.holds_poll(account_id):
            continue  # stream mode with the stream alive: only its safety poll (stream.py)
        if overlap or pacing.claim(account_id):
            poll_account.apply_async((account_id, overlap), **_same_queue(self))


@shared_task(bind=True, name="twitter_ingest.tasks.overlap_poll", **LIMITS)
def overlap_poll(self):
    for account_id in poller.watched_accounts().values_list("pk", flat=True):
        poll_account.apply_async((account_id, True), **_same_queue(self))


@shared_task(bind=True, name="twitter_ingest.tasks.poll_account", **LIMITS)
def poll_account(self, account_id, overlap=False):
    outcome = poller.poll_account(account_id, overlap=overlap)
    if outcome.retry_at is not None and not settings.CELERY_TASK_ALWAYS_EAGER:
        # Come back when the rate limit resets (or the backoff ends) instead of sleeping in the worker.
        self.apply_async((account_id, overlap), eta=outcome.retry_at, **_same_queue(self))
    run = outcome.run
    if run is not None and run.filed:
        # Send the replies with the codes now rather than at the outbox's next beat.
        send_outbox.delay()
    return {"skipped": outcome.skipped, "run": run.pk if run else None, "filed": run.filed if run else 0,
            "error": reasons.describe_in("en", run.error) if run else ""}


@shared_task(name="twitter_ingest.tasks.send_outbox", **LIMITS)
def send_outbox():
    return outbox.send_due(limit=settings.X_OUTBOX_BATCH)


@shared_task(name="twitter_ingest.tasks.check_deletions", **LIMITS)
def check_deletions():
    return deletions.sweep()


@shared_task(name="twitter_ingest.tasks.run_watches", **LIMITS)
def run_watches():
    """Each active watch once (its lock, its cap and its rate limit decide whether it asks X)."""
    results = watches.run_all()
    return [{"watch": r.watch_id, "skipped": r.skipped, "read": r.read, "found": r.found, "stopped": r.stopped,
             "error": r.error} for r in results]


@shared_task(bind=True, name="twitter_ingest.tasks.audit_accounts", **LIMITS)
def audit_accounts(self):
    """The weekly account audit (optional spending: nothing once the month's budget is spent); a run a
    rate limit stopped comes back when X says it may."""
    run = account_audit.run(trigger="beat")
    if run.status == "rate_limited" and run.resume_after and not settings.CELERY_TASK_ALWAYS_EAGER:
        self.apply_async(eta=run.resume_after, **_same_queue(self))
    return {"run": run.pk, "status": run.status, "checked": run.checked, "cost_usd": str(run.cost_usd)}
