"""The Celery tasks in-process (the embedded default) and the ingest health summary for the dashboard."""

import time

from django.conf import settings as django_settings

from twitter_ingest import health, pacing, tasks
from twitter_ingest.models import Outbox, OutboxStatus

from .conftest import mention


def test_beat_schedule_lists_the_ingest_tasks():
    tasks_scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"twitter_ingest.tasks.poll_all", "twitter_ingest.tasks.overlap_poll",
            "twitter_ingest.tasks.send_outbox"} <= tasks_scheduled
    assert django_settings.X_POLL_INTERVAL >= 3   # 300 requests / 15 minutes per user


def test_tasks_run_in_process(fake_x, state_account, settings):
    settings.X_POST_ENABLED = True
    mention(fake_x, "citizen_a", "@Uppolice Mahanagar me chain snatching")
    tasks.poll_all.delay()
    # A poll that filed something sends the replies at once instead of waiting for the outbox's beat.
    assert Outbox.objects.get().status == OutboxStatus.SENT
    tasks.overlap_poll.delay()
    assert tasks.send_outbox.delay().get() == {}
    assert tasks.poll_account.apply(args=(state_account.pk,)).get()["filed"] == 0
    for task in (tasks.poll_all, tasks.poll_account, tasks.overlap_poll, tasks.send_outbox):
        assert task.acks_late and task.time_limit and task.soft_time_limit


def test_health_summary(fake_x, state_account, monkeypatch):
    mention(fake_x, "citizen_a", "@Uppolice health check")
    tasks.poll_all.delay()
    fake_x.fake.faults.append({"route": "mentions", "status": 403})
    # The next tick comes when the account is due again (pacing.py), a few seconds on.
    monkeypatch.setattr(pacing, "clock", lambda: time.time() + django_settings.X_POLL_INTERVAL + 1)
    tasks.poll_all.delay()
    data = health.summary()
    account = next(a for a in data["accounts"] if a["handle"] == "Uppolice")
    assert account["paused_reason"].startswith("403") and not account["ok"]
    assert account["recent_runs"][1]["filed"] == 1 and account["recent_runs"][0]["error"]
    # Posting is off here, so the reply sent straight after the poll waits to be posted by hand.
    assert account["possible_gap"] is False and data["outbox"]["manual"] == 1 and data["outbox"]["pending"] == 0
    assert data["mentions_last_24h"] == 1
