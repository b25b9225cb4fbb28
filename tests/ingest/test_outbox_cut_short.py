"""A sender killed between sending its post request's headers and its body (urllib3 sends them in two
writes) leaves X a request that is not whole. X never acts on it; the simulated X used to read the missing
body as an empty one and post an empty tweet in reply to nothing: the post on X that matched no reply in
the outbox kill bench (about one run in six on PostgreSQL)."""

import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import urllib3.connection
from django.utils import timezone

from twitter_ingest import outbox
from twitter_ingest.models import Outbox, OutboxStatus

from .conftest import STATE_ID
from .processes import ROOT
from .test_outbox_once import file, posts_of

# Dies by SIGKILL right after the headers of its first POST are on the wire, before the body.
DIES_MID_POST = """
import os, signal, sys
import tweepy, urllib3.connection
from twitter_ingest.client import RebasingSession

headers_sent = urllib3.connection.HTTPConnection.endheaders
def endheaders(self, *args, **kwargs):
    headers_sent(self, *args, **kwargs)
    if self._method == "POST":
        os.kill(os.getpid(), signal.SIGKILL)
urllib3.connection.HTTPConnection.endheaders = endheaders

client = tweepy.Client(consumer_key="k", consumer_secret="s", access_token="%s-t", access_token_secret="s")
client.session = RebasingSession(sys.argv[1], timeout=5)
client.create_tweet(text=sys.argv[2], in_reply_to_tweet_id=sys.argv[3], user_auth=True)
""" % STATE_ID


def settled(fake_x, seconds=5):
    """Wait until the simulated X has dealt with the request that was cut short."""
    deadline = time.monotonic() + seconds
    while fake_x.fake.cut_short == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    return fake_x.fake.cut_short


def test_a_post_request_cut_short_by_sigkill_posts_nothing(fake_x):
    target = fake_x.fake.add_tweet({"author": "citizen_a", "text": "@Uppolice Aminabad me jebkatri"})["id"]
    died = subprocess.run([sys.executable, "-c", DIES_MID_POST, fake_x.url, "Tracking code: UPP-1", target],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert died.returncode == -signal.SIGKILL, died.stderr[-2000:]
    assert settled(fake_x) == 1
    assert fake_x.fake.posted == []


def test_a_post_without_text_is_refused(fake_x):
    status, body = fake_x.fake.create_tweet(STATE_ID, {})
    assert status == 400 and fake_x.fake.posted == []


class _Died(BaseException):
    """The sender's end, where the kill lands: nothing of its own runs after it."""


def test_the_row_of_a_sender_that_died_mid_request_is_posted_once(fake_x, state_account, settings, monkeypatch):
    settings.X_POST_ENABLED = True
    settings.X_OUTBOX_CLAIM_SECONDS = 60
    fake_x.fake.reject_duplicates = False           # a second post of the row would show
    sending = fake_x
    row = file(sending)[0]
    headers_sent = urllib3.connection.HTTPConnection.endheaders

    def endheaders(self, *args, **kwargs):
        headers_sent(self, *args, **kwargs)
        if self._method == "POST":
            raise _Died()

    monkeypatch.setattr(urllib3.connection.HTTPConnection, "endheaders", endheaders)
    with pytest.raises(_Died):
        outbox.send_due()
    monkeypatch.undo()
    assert settled(sending) == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENDING and row.lookback_from is not None
    # After the claim period the row goes back to the queue; the look-back finds nothing and posts it.
    later = timezone.now() + timedelta(seconds=61)
    assert outbox.send_due(now=later) == {"sent": 1}
    row.refresh_from_db()
    assert posts_of(sending, row) == [row.posted_tweet_id]
    assert sending.fake.posted == [row.posted_tweet_id]
    assert Outbox.objects.get(pk=row.pk).lookback_reads == 1
