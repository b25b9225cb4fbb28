"""The stream's state where a team running stream mode looks: the row the stream process keeps
(twitter_ingest.stream_state), HQ's ingest health page and /metrics. The stream runs against the simulated X
over HTTP in the test's thread; the page and /metrics are read afterwards from the database, as the web
process reads what the stream process wrote."""

import re
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from twitter_ingest import stream, stream_state
from twitter_ingest.stream_models import StreamState

from .conftest import mention
from .test_stream import USER_TOKEN, play, until_events, when_connected  # noqa: F401 (fixtures below)
from .test_stream import streaming  # noqa: F401


def _card(client, hq):
    client.force_login(hq)
    html = client.get(reverse("dashboard:health"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    match = re.search(r'<div class="card" id="ingest-stream">(.*?)</div>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))) if match else None


def test_the_stream_records_connects_events_reconnects_and_errors(streaming, state_account):
    seen_connected = []

    def x_side():
        when_connected(streaming)
        for i in range(3):
            mention(streaming, f"citizen{i}", f"@Uppolice streetlight {i} broken near Hazratganj")
        time.sleep(0.3)
        streaming.fake.activity.refuse.extend([503, 503])
        streaming.fake.activity.cut()  # dropped: reconnect at once, refused twice, then connected again

    def until(stats):
        row = StreamState.objects.get(account=state_account)
        if row.connected_since:
            seen_connected.append(row.connected_since)
        return stats.connects >= 2 and stats.events >= 3

    play(x_side)
    stats = stream.run(until=until)
    assert stats.events == 3 and stats.connects == 2
    row = StreamState.objects.get(account=state_account)
    assert seen_connected  # "connected since" was set while it was connected
    assert row.connected_since is None  # stopped: no longer connected
    assert row.last_event_at and row.last_seen_at and row.last_seen_at >= row.last_event_at
    # The drop and the two refused attempts are three reconnects after the first attempt.
    assert row.reconnects_total == 3 and len(row.recent_reconnects) == 3
    assert row.last_error_code == "x_unavailable" and row.last_error.startswith("503")
    assert row.backoff_seconds is None and row.next_attempt_at is None  # the last attempt succeeded


def test_event_writes_are_throttled(db, state_account, monkeypatch):
    clock = [1000.0]
    writes = []
    recorder = stream_state.Recorder(state_account.pk, clock=lambda: clock[0])
    original = recorder._update
    monkeypatch.setattr(recorder, "_update", lambda **f: (writes.append(f), original(**f)))
    recorder.connected()
    for _ in range(100):  # 100 events over 10 s
        clock[0] += 0.1
        recorder.line(True)
    assert 2 <= len(writes) - 1 <= 3  # one write per STREAM_STATE_SECONDS, not one per event
    recorder.disconnected()
    assert StreamState.objects.get(account=state_account).last_event_at.timestamp() == pytest.approx(clock[0])


def test_the_beat_reads_the_stream_processs_row_when_its_cache_is_its_own(db, settings, state_account):
    # The embedded default: the stream process's cache is not the beat's. Its row is.
    settings.X_INGEST_MODE = "stream"
    cache.clear()
    stream_state.Recorder(state_account.pk).connected()
    assert stream.is_live(state_account.pk)
    assert not stream.holds_poll(state_account.pk) and stream.holds_poll(state_account.pk)  # safety poll, then held
    StreamState.objects.filter(account=state_account).update(
        last_seen_at=timezone.now() - timedelta(seconds=settings.X_STREAM_FALLBACK_SECONDS + 1))
    assert not stream.is_live(state_account.pk) and not stream.holds_poll(state_account.pk)


def test_the_health_page_shows_the_stream_in_words(db, client, hq, settings, state_account):
    settings.X_INGEST_MODE = "poll"
    assert _card(client, hq) is None  # poll mode: no stream on the page
    settings.X_INGEST_MODE = "stream"
    assert "Never started" in _card(client, hq)

    now = timezone.now()
    StreamState.objects.create(
        account=state_account, connected_since=now - timedelta(hours=2), last_seen_at=now - timedelta(seconds=2),
        last_event_at=now - timedelta(seconds=30), reconnects_total=9,
        recent_reconnects=[now.timestamp() - 90000, now.timestamp() - 3600, now.timestamp() - 7300],
        last_error_code="silent", last_error="ConnectionError: Read timed out.",
        last_error_at=now - timedelta(hours=2))
    card = _card(client, hq)
    assert "Connected" in card and "Connected since:" in card and " IST" in card
    assert "2 reconnects in the last 24 hours" in card  # the one 25 hours ago is not counted
    assert "X sent nothing, not even a keep-alive" in card and "Read timed out" not in card
    assert "Fallback off" in card

    # Refused and waiting: the wait and the next attempt, and the beat polling as in poll mode.
    StreamState.objects.filter(account=state_account).update(
        connected_since=None, last_seen_at=now - timedelta(minutes=5), backoff_seconds=40.0,
        next_attempt_at=now + timedelta(seconds=35), last_error_code="too_many_connections", last_error="429: ...")
    card = _card(client, hq)
    assert "Reconnecting" in card and "Waiting 40 s after the last failure; next attempt at" in card
    assert "only one stream process runs" in card and "Fallback on" in card

    # Killed outright: it said "connected" and fell silent.
    StreamState.objects.filter(account=state_account).update(
        connected_since=now - timedelta(hours=1), last_seen_at=now - timedelta(minutes=10), next_attempt_at=None)
    card = _card(client, hq)
    assert "Not heard from" in card and "stream_mentions again" in card and "Fallback on" in card


def test_metrics_give_the_stream_connected_and_its_reconnects(db, client, settings, state_account):
    settings.X_INGEST_MODE = "poll"
    assert "seva_stream_connected{" not in client.get("/metrics").content.decode()  # HELP and TYPE only
    settings.X_INGEST_MODE = "stream"
    text = client.get("/metrics").content.decode()
    assert "# TYPE seva_stream_connected gauge" in text and 'seva_stream_connected{account="Uppolice"} 0' in text
    assert 'seva_stream_reconnects_total{account="Uppolice"} 0' in text
    recorder = stream_state.Recorder(state_account.pk)
    for _ in range(4):
        recorder.attempt()
    recorder.connected()
    text = client.get("/metrics").content.decode()
    assert "# TYPE seva_stream_reconnects_total counter" in text
    assert 'seva_stream_connected{account="Uppolice"} 1' in text
    assert 'seva_stream_reconnects_total{account="Uppolice"} 3' in text
    assert 'seva_stream_fallback{account="Uppolice"} 0' in text
