"""/healthz and /metrics say what is true: the worker and beat count as alive only from evidence (a
heartbeat the worker ran, beat's own ticks, Celery's ping), and an account whose polls stopped is late
within two poll intervals. (The same against real processes: tests/test_stack_heals.py.)"""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from districts.models import XAccount
from seva import heartbeat
from twitter_ingest.models import AccountState, Outbox, OutboxKind, OutboxStatus

from .conftest import require_services

pytestmark = pytest.mark.django_db
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REDIS = "redis://127.0.0.1:6379/9"


def _polled(seconds_ago):
    account = XAccount.objects.get(handle__iexact="Uppolice")
    at = timezone.now() - timedelta(seconds=seconds_ago)
    AccountState.objects.update_or_create(account=account, defaults={"last_poll_at": at, "last_success_at": at})


def test_an_account_is_late_within_two_poll_intervals(client, settings):
    settings.X_POLL_INTERVAL = 60
    assert settings.HEALTH_INGEST_STALE_SECONDS == 120          # the default: two poll intervals
    _polled(100)
    body = client.get("/healthz").json()
    assert body["checks"]["ingest"]["ok"] and body["checks"]["ingest"]["late"] == {}
    _polled(130)                                                  # one poll missed, well before 600 s
    body = client.get("/healthz").json()
    assert body["status"] == "degraded" and not body["checks"]["ingest"]["ok"]
    assert body["checks"]["ingest"]["late"]["Uppolice"].startswith("no successful poll for 13")
    assert 'seva_ingest_late{account="Uppolice"} 1' in client.get("/metrics").content.decode()


def test_the_embedded_default_runs_tasks_in_process(client):
    checks = client.get("/healthz").json()["checks"]
    assert checks["worker"] == {"ok": True, "mode": "in-process"} and checks["beat"]["mode"] == "in-process"


@pytest.fixture
def with_redis():
    require_services()
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}}
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=REDIS, CACHES=caches,
                           HEALTH_PING_TIMEOUT=0.3, HEALTH_HEARTBEAT_SECONDS=15):
        yield
    redis.Redis.from_url(REDIS).flushdb()


def _metric(client, name):
    text = client.get("/metrics").content.decode()
    return next(float(line.split()[-1]) for line in text.splitlines() if line.startswith(f"seva_{name} "))


def test_worker_and_beat_are_alive_only_from_evidence(client, with_redis, tmp_path):
    from seva.celery import app

    checks = client.get("/healthz").json()["checks"]
    # Nothing has shown itself: no heartbeat, no tick, no worker answering the ping on this broker.
    assert checks["worker"]["ok"] is False and checks["worker"]["evidence"] == "none"
    assert checks["beat"]["ok"] is False and _metric(client, "worker_up") == 0 and _metric(client, "beat_up") == 0
    assert client.get("/healthz").json()["status"] == "degraded"

    heartbeat.heartbeat.apply()                                   # the worker runs beat's heartbeat task
    scheduler = heartbeat.BeatScheduler(app=app, schedule_filename=str(tmp_path / "schedule"))
    scheduler.tick()                                              # beat's scheduler ticks
    checks = client.get("/healthz").json()["checks"]
    assert checks["worker"]["ok"] and checks["worker"]["evidence"] == "heartbeat"
    assert checks["beat"]["ok"] and checks["beat"]["evidence"] == "tick"
    assert _metric(client, "worker_up") == 1 and _metric(client, "beat_up") == 1

    # Three heartbeats later with nothing new: down again (the ping finds no worker either).
    stale = time.time() - 3 * 15 - 1
    heartbeat.record("worker", stale)
    heartbeat.record("beat", stale)
    checks = client.get("/healthz").json()["checks"]
    assert not checks["worker"]["ok"] and checks["worker"]["heartbeat_age_seconds"] > 45
    assert not checks["beat"]["ok"] and "not ticked recently" in checks["beat"]["error"]


def test_the_health_check_command_for_compose(with_redis):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY"))}
    env.update(REDIS_URL=REDIS, PYTHONPATH=ROOT, HEALTH_PING_TIMEOUT="0.3")
    command = [sys.executable, "-m", "seva.heartbeat"]
    assert subprocess.run([*command, "beat"], cwd=ROOT, env=env, capture_output=True).returncode == 1
    heartbeat.record("beat")
    assert subprocess.run([*command, "beat"], cwd=ROOT, env=env, capture_output=True).returncode == 0
    assert subprocess.run([*command, "worker"], cwd=ROOT, env=env, capture_output=True).returncode == 1
    assert subprocess.run([*command, "nobody"], cwd=ROOT, env=env, capture_output=True).returncode == 2


def test_metrics_for_the_sender_and_the_poller(client, make_complaint):
    _polled(30)
    complaint = make_complaint()
    row = Outbox.objects.get(complaint=complaint, kind=OutboxKind.REPLY_WITH_CODE)
    Outbox.objects.filter(pk=row.pk).update(status=OutboxStatus.SENT, sent_at=timezone.now() - timedelta(seconds=42),
                                            lookback_reads=3)
    make_complaint()
    text = client.get("/metrics").content.decode()
    since_sent = next(float(line.split()[-1]) for line in text.splitlines()
                      if line.startswith("seva_seconds_since_last_sent_reply "))
    assert 42 <= since_sent < 60
    assert 'seva_outbox_backlog{status="pending"} 1' in text and 'seva_outbox_backlog{status="dead"} 0' in text
    assert "seva_outbox_lookback_reads_total 3" in text
    since_poll = next(float(line.split()[-1]) for line in text.splitlines()
                      if line.startswith('seva_seconds_since_last_poll{account="Uppolice"}'))
    assert 30 <= since_poll < 50
