"""Evidence that the Celery worker and beat are alive, for /healthz, /metrics and the compose health checks.

Beat: its scheduler (BeatScheduler, set as CELERY_BEAT_SCHEDULER) records the time of its ticks in the
shared cache (Redis in production), at least once every HEALTH_HEARTBEAT_SECONDS, since the heartbeat is
one of its entries. Worker: beat sends the `seva.heartbeat` task every HEALTH_HEARTBEAT_SECONDS and the
worker records when it ran it. Each counts as alive while its record is younger than three heartbeats.
A worker whose record is stale may only be missing beat's heartbeats, so Celery's own ping (a broadcast
answered by every live worker, waited for at most HEALTH_PING_TIMEOUT seconds) decides then.

    python -m seva.heartbeat worker|beat     exit 0 when the process has shown itself alive, else 1
"""

import logging
import sys
import time

from celery import shared_task
from celery.beat import PersistentScheduler
from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

KEYS = {"worker": "seva:heartbeat:worker", "beat": "seva:heartbeat:beat"}


def record(name, at=None):
    try:
        cache.set(KEYS[name], at if at is not None else time.time(), timeout=None)
    except Exception:  # a heartbeat must never take its process down; the stale record tells the story
        log.warning("could not record the %s heartbeat", name, exc_info=True)


def age(name, now=None):
    """Seconds since the process last showed itself alive, or None when it never has."""
    seen = cache.get(KEYS[name])
    return None if seen is None else max(0.0, (now or time.time()) - float(seen))


def window():
    return 3 * settings.HEALTH_HEARTBEAT_SECONDS


def shared_cache():
    """Whether the cache is one that other processes see (the records are invisible in a local one)."""
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


def in_process():
    return settings.CELERY_TASK_ALWAYS_EAGER or settings.CELERY_BROKER_URL.startswith("memory")


def ping():
    """Names of the workers that answer Celery's ping within HEALTH_PING_TIMEOUT seconds."""
    from seva.celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
        replies = app.control.ping(timeout=settings.HEALTH_PING_TIMEOUT, connection=connection) or []
    return sorted(name for reply in replies for name in reply)


def worker():
    """{"ok", "evidence", ...} for the Celery worker."""
    if in_process():
        return {"ok": True, "mode": "in-process"}
    seconds = age("worker") if shared_cache() else None
    if seconds is not None and seconds <= window():
        return {"ok": True, "evidence": "heartbeat", "heartbeat_age_seconds": round(seconds, 1)}
    answered = ping()
    if answered:
        return {"ok": True, "evidence": "ping", "workers": answered, "heartbeat_age_seconds": seconds}
    return {"ok": False, "evidence": "none", "heartbeat_age_seconds": seconds,
            "error": "no heartbeat run recently and no worker answered Celery's ping"}


def beat():
    """{"ok", "evidence", ...} for Celery beat."""
    if in_process():
        return {"ok": True, "mode": "in-process"}
    if not shared_cache():
        return {"ok": False, "evidence": "none", "error": "beat's ticks are recorded in a shared cache: set REDIS_URL"}
    seconds = age("beat")
    if seconds is not None and seconds <= window():
        return {"ok": True, "evidence": "tick", "tick_age_seconds": round(seconds, 1)}
    return {"ok": False, "evidence": "none", "tick_age_seconds": seconds,
            "error": "beat has not ticked recently" if seconds is not None else "beat has never ticked"}


@shared_task(name="seva.heartbeat", ignore_result=True)
def heartbeat():
    record("worker")


class BeatScheduler(PersistentScheduler):
    """Celery's file-backed scheduler, recording its ticks as beat's heartbeat (at most once a second)."""

    _recorded = 0.0

    def tick(self, *args, **kwargs):
        now = time.monotonic()
        if now - self._recorded >= 1.0:
            self._recorded = now
            record("beat")
        return super().tick(*args, **kwargs)


def main(argv=None):
    import django

    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] not in KEYS:
        print("usage: python -m seva.heartbeat worker|beat", file=sys.stderr)
        return 2
    django.setup()
    result = worker() if argv[0] == "worker" else beat()
    print(result)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seva.settings")
    sys.exit(main())
