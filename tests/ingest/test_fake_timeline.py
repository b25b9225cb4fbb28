"""The simulated X API's account timeline (GET /2/users/:id/tweets) and posting, as X documents them and
as the outbox's look-back relies on: newest first, since_id exclusive and winning over start_time, times
to the second, the 3,200 newest posts reachable (800 with exclude=replies), snowflake ids from the time of
posting; the same text twice refused only to the same tweet; and the sandbox's faults."""

import time
from datetime import datetime, timedelta, timezone

import pytest
import requests
import tweepy

from twitter_ingest.client import make_client
from twitter_ingest.fake_api import EPOCH_MS
from twitter_ingest.tweets import snowflake_time

from .conftest import STATE_ID, mention


def own(fake_x, n, **extra):
    return [fake_x.fake.add_tweet({"author": "Uppolice", "text": f"Advisory {i}", **extra}) for i in range(n)]


def test_the_timeline_reaches_3200_posts_and_800_without_replies(fake_x):
    citizen = mention(fake_x, "citizen_a", "@Uppolice help")
    own(fake_x, 3300, in_reply_to=citizen["id"])
    client = make_client()
    pages = list(tweepy.Paginator(client.get_users_tweets, STATE_ID, max_results=100, user_auth=True))
    assert sum(len(p.json().get("data") or []) for p in pages) == 3200
    plain = own(fake_x, 5)
    body = client.get_users_tweets(STATE_ID, max_results=100, exclude=["replies"], user_auth=True).json()
    assert [t["id"] for t in body["data"]] == [t["id"] for t in reversed(plain)]      # the replies are left out


def test_since_id_is_exclusive_and_wins_over_start_time(fake_x):
    posts = own(fake_x, 12)
    client = make_client()
    body = client.get_users_tweets(STATE_ID, since_id=posts[8]["id"], start_time="2010-11-06T00:00:00Z",
                                   user_auth=True).json()
    assert [t["id"] for t in body["data"]] == [posts[11]["id"], posts[10]["id"], posts[9]["id"]]


def test_times_are_whole_seconds(fake_x):
    client = make_client()
    with pytest.raises(tweepy.BadRequest):
        client.get_users_tweets(STATE_ID, start_time="2026-11-20T10:00:00.000Z", user_auth=True)
    with pytest.raises(tweepy.BadRequest):
        client.get_users_tweets(STATE_ID, since_id="12ab", user_auth=True)
    assert client.get_users_tweets(STATE_ID, start_time=datetime.now(timezone.utc), user_auth=True).status_code == 200


def test_ids_are_snowflakes_of_the_posting_time_on_xs_clock(fake_x):
    before = datetime.now(timezone.utc)
    first = own(fake_x, 1)[0]
    assert before - timedelta(seconds=1) <= snowflake_time(first["id"]) <= datetime.now(timezone.utc)
    requests.post(f"{fake_x.url}/_sandbox/clock", json={"offset": -120}, timeout=5)
    behind = own(fake_x, 1)[0]
    assert snowflake_time(behind["id"]) < before - timedelta(seconds=100)
    assert ((int(behind["id"]) >> 22) + EPOCH_MS) // 1000 == int(snowflake_time(behind["id"]).timestamp())


def test_the_same_text_is_refused_only_to_the_same_tweet(fake_x):
    client = make_client(raw=False)
    a, b = mention(fake_x, "citizen_a", "@Uppolice one"), mention(fake_x, "citizen_b", "@Uppolice two")
    client.create_tweet(text="We are on it.", in_reply_to_tweet_id=a["id"])
    client.create_tweet(text="We are on it.", in_reply_to_tweet_id=b["id"])         # another tweet: accepted
    with pytest.raises(tweepy.Forbidden, match="duplicate content"):
        client.create_tweet(text="We are on it.", in_reply_to_tweet_id=a["id"])
    requests.post(f"{fake_x.url}/_sandbox/duplicates", json={"reject": False}, timeout=5)
    client.create_tweet(text="We are on it.", in_reply_to_tweet_id=a["id"])         # X's check is not a promise
    assert len(fake_x.fake.posted) == 3


def test_faults_at_a_rate_after_the_effect_and_skipping(fake_x, settings):
    client = make_client(raw=False)
    a = mention(fake_x, "citizen_a", "@Uppolice one")
    # A 503 after the post took effect: the client sees an error, the tweet is there.
    fake_x.fake.faults.append({"route": "post", "status": 503, "after": True})
    with pytest.raises(tweepy.TwitterServerError):
        client.create_tweet(text="landed anyway", in_reply_to_tweet_id=a["id"])
    assert fake_x.fake.tweets[fake_x.fake.posted[-1]]["text"] == "landed anyway"
    # An answer later than the client waits: the post is made at once, the answer comes after the timeout.
    settings.X_API_TIMEOUT = 0.3
    fake_x.fake.faults.append({"route": "post", "delay": 1.0, "after": True})
    with pytest.raises(requests.Timeout):
        make_client(raw=False).create_tweet(text="late answer", in_reply_to_tweet_id=a["id"])
    assert fake_x.fake.tweets[fake_x.fake.posted[-1]]["text"] == "late answer"
    settings.X_API_TIMEOUT = 5.0
    # "skip" lets requests through first; "rate" strikes about that share of requests.
    fake_x.fake.faults.append({"route": "tweets", "status": 503, "skip": 2})
    client.get_users_tweets(STATE_ID, user_auth=True)
    client.get_users_tweets(STATE_ID, user_auth=True)
    with pytest.raises(tweepy.TwitterServerError):
        client.get_users_tweets(STATE_ID, user_auth=True)
    fake_x.fake.limits["me"] = 1000
    fake_x.fake.faults.append({"route": "me", "status": 503, "rate": 0.3})
    failed = 0
    for _ in range(200):
        try:
            client.get_me(user_auth=True)
        except tweepy.TwitterServerError:
            failed += 1
    assert 30 <= failed <= 90 and fake_x.fake.faults        # a rate fault stays until removed


def test_latency_and_request_counts(fake_x):
    a = mention(fake_x, "citizen_a", "@Uppolice one")
    requests.post(f"{fake_x.url}/_sandbox/latency", json={"post": 0.3}, timeout=5)
    started = time.monotonic()
    make_client(raw=False).create_tweet(text="slow answer", in_reply_to_tweet_id=a["id"])
    assert time.monotonic() - started >= 0.3
    counts = requests.get(f"{fake_x.url}/_sandbox/requests", timeout=5).json()["data"]
    assert counts["post"] == 1
    requests.post(f"{fake_x.url}/_sandbox/limits", json={"post": 1}, timeout=5)
    make_client(raw=False).create_tweet(text="within the limit", in_reply_to_tweet_id=a["id"])
    with pytest.raises(tweepy.TooManyRequests):
        make_client(raw=False).create_tweet(text="over the limit", in_reply_to_tweet_id=a["id"])
