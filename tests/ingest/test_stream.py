"""Stream mode: X's Activity API stream, emulated by the simulated X over real HTTP, filed through the same
Filer as the poller. The consumer runs in the test's thread (it files into the test's database); a second
thread plays X: it posts mentions, cuts the stream, refuses connections."""

import json
import threading
import time

import pytest
import requests

from complaints.models import Complaint, Event
from twitter_ingest import poller, stream
from twitter_ingest.ledger_models import ChargeKind, XCharge
from twitter_ingest.models import Mention, Outcome, PollRun, Source

from .conftest import STATE_ID, mention

USER_TOKEN = "oauth2-user-token-of-uppolice"


@pytest.fixture
def streaming(fake_x, settings):
    settings.X_INGEST_MODE = "stream"
    settings.X_ACTIVITY_USER_TOKEN = USER_TOKEN
    settings.X_STREAM_READ_TIMEOUT = 3.0
    settings.X_STREAM_BACKOFF_SECONDS = 0.02
    settings.X_STREAM_BACKOFF_MAX_SECONDS = 0.16
    settings.X_STREAM_RATE_LIMIT_BACKOFF_SECONDS = 0.05
    fake_x.fake.token_users[USER_TOKEN] = STATE_ID
    fake_x.fake.activity.keepalive = 0.1
    return fake_x


def when_connected(server, n=1, timeout=10):
    """Wait (in the thread that plays X) until the desk has opened its n-th stream connection."""
    deadline = time.monotonic() + timeout
    while server.fake.activity.connects < n and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.fake.activity.connects >= n


def play(fn):
    thread = threading.Thread(target=fn, daemon=True)
    thread.start()
    return thread


def until_mentions(n, timeout=30):
    deadline = time.monotonic() + timeout
    return lambda stats: Mention.objects.count() >= n or time.monotonic() > deadline


def until_events(n, timeout=30):
    deadline = time.monotonic() + timeout
    return lambda stats: stats.events >= n or time.monotonic() > deadline


# ------------------------------------------------------------------ the simulated X's side

def test_subscriptions_and_stream_follow_the_reference(streaming):
    url, app = streaming.url, {"Authorization": "Bearer test-bearer"}
    user = {"Authorization": f"Bearer {USER_TOKEN}"}
    body = {"event_type": "post.mention.create", "filter": {"user_id": STATE_ID}, "tag": "desk"}
    # A private event: the app-only token may not subscribe to it; the user who authorized the app may.
    assert requests.post(url + "/2/activity/subscriptions", headers=app, json=body).status_code == 403
    created = requests.post(url + "/2/activity/subscriptions", headers=user, json=body).json()["data"]["subscription"]
    assert created["event_type"] == "post.mention.create" and created["filter"] == {"user_id": STATE_ID}
    listing = requests.get(url + "/2/activity/subscriptions", headers=app).json()
    assert listing["meta"]["total_subscriptions"] == 1
    changed = requests.put(url + f"/2/activity/subscriptions/{created['subscription_id']}", headers=app,
                           json={"tag": "renamed"}).json()["data"]
    assert changed["subscription"]["tag"] == "renamed" and changed["total_subscriptions"] == 1
    # The stream takes the app's bearer token only, and no backfill is emulated.
    assert requests.get(url + "/2/activity/stream", headers=user, timeout=3).status_code == 403
    assert requests.get(url + "/2/activity/stream?backfill_minutes=2", headers=app, timeout=3).status_code == 400

    lines = []
    response = requests.get(url + "/2/activity/stream", headers=app, stream=True, timeout=3)
    assert response.status_code == 200 and response.headers["transfer-encoding"] == "chunked"

    def x_side():
        when_connected(streaming)
        time.sleep(0.25)  # a keep-alive or two
        original = mention(streaming, "citizen_a", "@Uppolice chain snatching near Aliganj")
        desk = streaming.fake.add_tweet({"author": "Uppolice", "text": "@citizen_a Noted, code AB12",
                                         "in_reply_to": original["id"]})
        # A reply to the desk's post: its @Uppolice is the reply's leading handle (no mention event).
        mention(streaming, "citizen_a", "@Uppolice it happened at 9 pm", in_reply_to=desk["id"])
        time.sleep(0.3)
        streaming.fake.activity.cut()

    play(x_side)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for line in response.iter_lines():
            lines.append(line)
    assert b"" in lines  # keep-alives
    events = [json.loads(line)["data"] for line in lines if line.strip()]
    assert [e["event_type"] for e in events] == ["post.mention.create"]  # only the subscribed type
    event = events[0]
    assert set(event) == {"event_uuid", "filter", "event_type", "tag", "payload", "includes"}
    assert event["payload"]["text"] == "@Uppolice chain snatching near Aliganj"
    assert {u["username"] for u in event["includes"]["users"]} == {"citizen_a", "Uppolice"}
    assert requests.delete(url + f"/2/activity/subscriptions/{created['subscription_id']}",
                           headers=app).json() == {"data": {"deleted": True}, "meta": {"total_subscriptions": 0}}


# ------------------------------------------------------------------ the desk's side

def test_events_are_filed_once_and_billed_as_post_reads(streaming):
    def x_side():
        when_connected(streaming)
        for i in range(20):
            mention(streaming, f"citizen{i}", f"@Uppolice streetlight {i} broken near Hazratganj")

    play(x_side)
    stats = stream.run(until=until_events(20))
    assert Mention.objects.count() == Complaint.objects.count() == Event.objects.filter(action="file").count() == 20
    assert stats.events == 20 and stats.catch_up_polls == 1 and stats.connects == 1
    # Each tweet arrived by the stream; those the catch-up poll got to first were not filed again.
    assert stats.filed + stats.already == 20
    assert Mention.objects.filter(source=Source.STREAM).count() == stats.filed
    assert Mention.objects.filter(hash_over="bytes", received_bytes__isnull=False).count() == 20
    streamed = set(Mention.objects.filter(source=Source.STREAM).values_list("tweet_id", flat=True))
    billed = set(XCharge.objects.filter(kind=ChargeKind.POST_READ).values_list("resource_id", flat=True))
    assert streamed <= billed
    # Both subscriptions were made once, in the state account's user context.
    subs = streaming.fake.activity.subscriptions.values()
    assert sorted(s["event_type"] for s in subs) == list(stream.EVENT_TYPES)


def test_a_cut_mid_burst_loses_nothing_and_files_nothing_twice(streaming):
    def x_side():
        when_connected(streaming)
        for i in range(15):
            mention(streaming, f"early{i}", f"@Uppolice pothole {i} on Kanpur road")
        streaming.fake.activity.cut()
        # While the desk reconnects: events with no connection to go to (the catch-up poll reads them).
        for i in range(15):
            mention(streaming, f"gap{i}", f"@Uppolice noise complaint {i} in Gomti Nagar")
        when_connected(streaming, 2)
        for i in range(10):
            mention(streaming, f"late{i}", f"@Uppolice illegal parking {i} at Charbagh")

    play(x_side)
    stats = stream.run(until=until_mentions(40))
    assert Mention.objects.count() == Complaint.objects.count() == Event.objects.filter(action="file").count() == 40
    assert stats.connects >= 2 and stats.catch_up_polls >= 2
    # The catch-up polls filed the gap.
    assert PollRun.objects.filter(kind=Source.POLL).count() >= 2
    assert not Mention.objects.filter(outcome=Outcome.PENDING).exists()


def test_the_same_mention_by_stream_and_by_the_catch_up_poll_is_filed_once(streaming):
    caught_up = threading.Event()

    def catch_up(account):
        poller.poll_account(account)
        caught_up.set()

    def x_side():
        caught_up.wait(10)
        mention(streaming, "citizen_b", "@Uppolice my phone was stolen at the bus stand")
        time.sleep(0.3)
        streaming.fake.activity.cut()  # the desk reconnects; its catch-up poll reads the same tweet again

    play(x_side)
    stats = stream.run(until=lambda s: s.catch_up_polls >= 2, catch_up=catch_up)
    assert stats.events == 1 and stats.filed == 1
    assert Mention.objects.count() == Complaint.objects.count() == 1
    second = PollRun.objects.order_by("pk").last()
    assert second.fetched == 1 and second.filed == 0  # read again, filed once


def test_refused_connections_back_off_exponentially_up_to_the_cap(streaming, settings):
    streaming.fake.activity.refuse.extend([503] * 7 + [429] * 3)
    waits = []
    stats = stream.run(until=lambda s: s.connects >= 1, sleep=waits.append)
    assert stats.connects == 1 and len(waits) == 10
    http, rate = waits[:7], waits[7:]
    cap = settings.X_STREAM_BACKOFF_MAX_SECONDS
    assert all(b > a for a, b in zip(http[:4], http[1:4]))   # doubling (jitter is +-20%)
    assert http[0] < 0.03 and all(w <= cap for w in http) and min(http[4:]) >= 0.8 * cap
    # 429 starts from its own, longer wait.
    assert rate[0] >= 0.8 * settings.X_STREAM_RATE_LIMIT_BACKOFF_SECONDS and rate[1] > rate[0]


def test_a_dead_server_backs_off_linearly_then_the_beat_falls_back(streaming, settings):
    settings.X_API_BASE_URL = "http://127.0.0.1:9"  # nothing listens: connection refused
    waits = []
    stream.run(until=lambda s: len(s.delays) >= 25, sleep=waits.append)
    step, cap = settings.X_STREAM_BACKOFF_SECONDS / 20, settings.X_STREAM_BACKOFF_MAX_SECONDS / 20
    assert waits[0] <= 1.2 * step and max(waits) <= cap and waits[-1] >= 0.8 * cap


def test_the_beat_polls_only_for_safety_while_the_stream_is_alive(streaming, settings, state_account):
    account_id = state_account.pk
    settings.X_INGEST_MODE = "poll"
    stream.touch(account_id)
    assert not stream.holds_poll(account_id)         # poll mode: the beat decides as always
    settings.X_INGEST_MODE = "stream"
    assert not stream.holds_poll(account_id)         # the safety poll
    assert stream.holds_poll(account_id)             # then nothing until the next one
    settings.X_STREAM_FALLBACK_SECONDS = 0.05
    time.sleep(0.1)
    assert not stream.holds_poll(account_id)         # the stream went quiet: the beat polls again


def test_a_follow_up_in_the_stream_attaches_to_the_complaint(streaming):
    seen = {}

    def x_side():
        when_connected(streaming)
        seen["original"] = original = mention(streaming, "citizen_a", "@Uppolice my bike was stolen from Aminabad")
        # The desk's reply with the code (its own post: no event), then the citizen's answer to it, which
        # carries @Uppolice only as the reply's leading handle: post.reply.create brings it.
        time.sleep(0.3)
        desk = streaming.fake.add_tweet({"author": "Uppolice", "text": "@citizen_a Registered, code LKO-1",
                                         "in_reply_to": original["id"]})
        seen["answer"] = mention(streaming, "citizen_a", "@Uppolice It is a red Splendor, UP32 AB 1234",
                                 in_reply_to=desk["id"])
        # A reply to their own tweet: its @Uppolice is implicit too, and it is not a reply to the desk, so
        # X sends no event; the next poll finds it.
        seen["own"] = mention(streaming, "citizen_a", "@Uppolice also my helmet", in_reply_to=original["id"])

    play(x_side)
    stats = stream.run(until=until_mentions(2))
    assert stats.events == 2
    complaint = Complaint.objects.get()
    answer = Mention.objects.get(tweet_id=seen["answer"]["id"])
    assert answer.outcome == Outcome.FOLLOW_UP and answer.complaint_id == complaint.pk
    poller.poll_account(stream.state_account())
    own = Mention.objects.get(tweet_id=seen["own"]["id"])
    assert own.outcome == Outcome.FOLLOW_UP and own.complaint_id == complaint.pk and own.source == Source.POLL
    assert Complaint.objects.count() == 1


@pytest.mark.slow
def test_sigkill_of_the_stream_process_at_random_points_files_each_mention_once(tmp_path):
    """A backlog flows while `stream_mentions` is killed with SIGKILL at random points and started again:
    every mention is filed, none twice (what a killed process was filing rolled back; the catch-up poll
    after the restart reads it again)."""
    import os
    import random
    import signal
    import subprocess

    from twitter_ingest.fake_api import FakeXServer

    from .processes import PYTHON, ROOT, counts, database_url, env_for, manage, mention_count, prepare

    total, late, rng = 500, 10, random.Random(7)
    with database_url(tmp_path) as url, FakeXServer() as server:
        env = env_for(url)
        prepare(env)
        server.fake.token_users[USER_TOKEN] = server.fake.state_id
        server.fake.activity.keepalive = 0.2
        env.update(X_API_BASE_URL=server.url, X_BEARER_TOKEN="test", X_INGEST_MODE="stream",
                   X_ACTIVITY_USER_TOKEN=USER_TOKEN, X_STREAM_READ_TIMEOUT="3", X_STREAM_BACKOFF_SECONDS="0.2",
                   X_STREAM_BACKOFF_MAX_SECONDS="2")
        done = threading.Event()

        def x_side():
            for i in range(total):
                server.fake.add_tweet({"author": f"citizen{i % 37}", "text": f"@Uppolice problem number {i} near Aliganj"})
                time.sleep(0.04)
            done.set()

        def start():
            return subprocess.Popen([PYTHON, "manage.py", "stream_mentions"], cwd=ROOT, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def streaming_now(connects):
            # Killed only once it is connected and reading (a process starts in a second or two).
            deadline = time.monotonic() + 60
            while server.fake.activity.connects <= connects and time.monotonic() < deadline:
                time.sleep(0.02)

        process, kills = start(), 0
        streaming_now(0)
        play(x_side)
        while not done.is_set():
            connects = server.fake.activity.connects
            time.sleep(rng.uniform(1.0, 4.0))  # in the catch-up poll, or filing events
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            kills += 1
            process = start()
            streaming_now(connects)
        deadline = time.monotonic() + 60
        while mention_count(url) < total and time.monotonic() < deadline:
            time.sleep(0.2)
        # Once the backlog is in, the last process's catch-up poll has ended: what comes now, the stream
        # files (on a loaded machine the restarts can leave every earlier mention to the catch-up polls).
        for i in range(total, total + late):
            server.fake.add_tweet({"author": f"citizen{i % 37}", "text": f"@Uppolice problem number {i} near Aliganj"})
            time.sleep(0.2)
        total += late
        deadline = time.monotonic() + 60
        while mention_count(url) < total and time.monotonic() < deadline:
            time.sleep(0.2)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        result = counts(env)
        streamed = manage(env, "shell", "-c", "from twitter_ingest.models import Mention; "
                          "print(Mention.objects.filter(source='stream').count())").stdout.split()[-1]
    assert kills >= 2 and int(streamed) > 0  # the stream filed some (the late ones at least), the catch-up polls the rest
    assert result["mentions"] == result["complaints"] == result["file_events"] == total
    assert result["files_per_complaint"] == [1] and result["pending"] == 0


def test_subscriptions_with_the_oauth1_user_tokens_and_kept_across_reconnects(streaming, settings):
    settings.X_ACTIVITY_USER_TOKEN = ""  # the state account's OAuth 1.0a tokens (the OpenAPI's UserToken)
    session = stream._session()
    first = stream.ensure_subscriptions(session, STATE_ID)
    assert set(first) == set(stream.EVENT_TYPES)
    assert stream.ensure_subscriptions(session, STATE_ID) == first  # listed, not made again
    assert len(streaming.fake.activity.subscriptions) == 2


def test_stream_mentions_runs_only_in_stream_mode(settings, db):
    from django.core.management import CommandError, call_command

    settings.X_INGEST_MODE = "poll"
    with pytest.raises(CommandError, match="X_INGEST_MODE"):
        call_command("stream_mentions")
