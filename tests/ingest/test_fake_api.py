"""The simulated X API behaves as tweepy and the reference notes expect (through the real tweepy client)."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import tweepy

from twitter_ingest.client import make_client
from twitter_ingest.fake_api import FakeX, load_feed

from .conftest import LKO_ID, STATE_ID, mention

ROOT = Path(__file__).resolve().parents[2]
ROOT_FIXTURE = ROOT / "fixtures" / "x_sample_mentions.jsonl"


def test_shapes_and_parameters(fake_x):
    client = make_client(raw=False)
    me = client.get_me(user_auth=True)
    assert str(me.data.id) == STATE_ID and me.data.username == "Uppolice"
    assert client.get_user(username="LKOPOLICE").data.id == int(LKO_ID)
    tweets = [mention(fake_x, "citizen_a", f"@Uppolice number {i}") for i in range(12)]
    page = client.get_users_mentions(STATE_ID, max_results=5, tweet_fields=["created_at", "author_id"],
                                     expansions=["author_id"], user_fields=["location"])
    assert [t.id for t in page.data] == [int(t["id"]) for t in reversed(tweets[-5:])]
    assert page.data[0].created_at.microsecond % 1000 == 0              # milliseconds, as tweepy needs
    assert page.includes["users"][0].location == "Lucknow, India"
    assert page.meta["next_token"] and isinstance(page.meta["newest_id"], str)
    ids = [t.id for t in tweepy.Paginator(client.get_users_mentions, STATE_ID, max_results=5).flatten()]
    assert len(ids) == 12 and ids == sorted(ids, reverse=True)
    window = client.get_users_mentions(STATE_ID, since_id=tweets[3]["id"], until_id=tweets[7]["id"])
    assert [str(t.id) for t in window.data] == [tweets[6]["id"], tweets[5]["id"], tweets[4]["id"]]
    empty = client.get_users_mentions(STATE_ID, since_id=tweets[-1]["id"])
    assert empty.data is None and empty.meta == {"result_count": 0}
    with pytest.raises(tweepy.BadRequest):
        client.get_users_mentions(STATE_ID, max_results=101)


def test_posting_rules(fake_x):
    client = make_client(raw=False)
    citizen = mention(fake_x, "citizen_a", "@Uppolice help")
    stranger = mention(fake_x, "citizen_b", "nothing to do with us")
    reply = client.create_tweet(text="Registered UPP-00000-00000", in_reply_to_tweet_id=citizen["id"])
    assert reply.data["id"] in fake_x.fake.posted
    with pytest.raises(tweepy.Forbidden, match="duplicate content"):
        client.create_tweet(text="Registered UPP-00000-00000", in_reply_to_tweet_id=citizen["id"])
    with pytest.raises(tweepy.Forbidden, match="only reply"):
        client.create_tweet(text="unsolicited", in_reply_to_tweet_id=stranger["id"])
    with pytest.raises(tweepy.Forbidden):
        client.create_tweet(text="quote", quote_tweet_id=citizen["id"])
    fake_x.fake.deleted.add(citizen["id"])
    with pytest.raises(tweepy.Forbidden, match="deleted"):
        client.create_tweet(text="too late", in_reply_to_tweet_id=citizen["id"])
    fake_x.fake.faults.append({"route": "post", "status": 402})
    with pytest.raises(tweepy.HTTPException) as info:
        client.create_tweet(text="no credits")
    assert info.value.response.status_code == 402


def test_rate_limit_headers_and_429(fake_x):
    client = make_client()
    # X's limits on the mentions timeline: 450 per app (the bearer token), 300 per user (its own tokens).
    response = client.get_users_mentions(STATE_ID)
    assert int(response.headers["x-rate-limit-limit"]) == 450
    assert int(response.headers["x-rate-limit-remaining"]) == 449
    response = client.get_users_mentions(STATE_ID, user_auth=True)
    assert int(response.headers["x-rate-limit-limit"]) == 300
    assert int(response.headers["x-rate-limit-remaining"]) == 299
    assert [who for _, _, who in fake_x.fake.contexts] == ["app", STATE_ID]
    fake_x.fake.faults.append({"route": "mentions", "status": 429, "reset_in": 30})
    with pytest.raises(tweepy.TooManyRequests) as info:
        client.get_users_mentions(STATE_ID)
    assert info.value.reset_time > 0


def test_timeouts_are_enforced(fake_x, settings):
    settings.X_API_TIMEOUT = 0.2
    fake_x.fake.faults.append({"route": "mentions", "delay": 0.5})
    with pytest.raises(requests.Timeout):
        make_client().get_users_mentions(STATE_ID)


def test_sandbox_endpoints_and_scripted_noted(fake_x):
    base = fake_x.url
    requests.post(f"{base}/_sandbox/noted", json={"delay": 0}, timeout=5)
    citizen = requests.post(f"{base}/_sandbox/tweets", json={"author": "citizen_a", "text": "@Uppolice help"},
                            timeout=5).json()["data"][0]
    client = make_client(raw=False)
    forward = client.create_tweet(text="@lkopolice please act", in_reply_to_tweet_id=citizen["id"])
    mentions = client.get_users_mentions(STATE_ID, tweet_fields=["referenced_tweets", "author_id"])
    noted = mentions.data[0]
    assert noted.text == "@Uppolice Noted" and str(noted.author_id) == LKO_ID
    assert noted.referenced_tweets[0].id == int(forward.data["id"])
    assert len(requests.get(f"{base}/_sandbox/posted", timeout=5).json()["data"]) == 1


def test_feed_file_loads():
    fake = FakeX()
    load_feed(fake, ROOT_FIXTURE)
    assert len(fake.tweets) == 8 and fake.user_by_name("lkopolice")["id"] == "2000000000000000002"
    follow_up = fake.tweets["1861000000000000150"]
    assert follow_up["conversation_id"] == "1861000000000000100"


def test_the_management_command_serves_the_feed():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "manage.py", "fake_x_api", "--port", str(port), "--feed",
                               str(ROOT_FIXTURE)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        # Django's start-up takes seconds on a busy machine: wait on the process, not on a fixed count.
        deadline, body = time.monotonic() + 60, None
        while body is None and time.monotonic() < deadline and server.poll() is None:
            try:
                body = requests.get(f"http://127.0.0.1:{port}/2/users/1000000000000000001/mentions",
                                    params={"max_results": 100}, timeout=5).json()
            except requests.ConnectionError:
                time.sleep(0.2)
        assert body is not None, f"the server did not answer (exit code {server.poll()})"
        assert body["meta"]["result_count"] == 8
    finally:
        server.terminate()
        server.wait(timeout=10)
