"""The demo keeps a person busy: fresh mentions through the whole run (photos, an urgent case, an edit, a
deletion, a resolved complaint whose complainant asks to look again), and a second run on the same database
files nothing twice. Two short runs, each against its own simulated X (as two `manage.py demo` runs are),
polled by the real poller through tweepy."""

import threading

import pytest
from django.core.cache import cache

from complaints.models import Complaint, Event, MessageKind, Status
from districts.models import XAccount
from seva import demo_feed
from seva.management.commands.demo import STREAM
from twitter_ingest import deletions, poller
from twitter_ingest.fake_api import FakeXServer
from twitter_ingest.models import AccountState, Mention

STEPS = 10


def _run(settings, steps=STEPS):
    """One demo run, shortened: the bundled stream at once, then `steps` rounds of the feeder, each followed by
    a poll; a deletion sweep at the end. Returns the ids of the tweets this run posted."""
    cache.clear()
    with FakeXServer() as server:
        settings.X_API_BASE_URL = server.url
        settings.X_DELETION_RECHECK_HOURS = 0  # as the demo command sets it: the deletion scene shows at once
        feeder = demo_feed.Feeder(server.fake, out=lambda *a: None)
        demo_feed.replay(feeder, STREAM, 10_000, threading.Event(), lambda *a: None)
        account = XAccount.objects.get(handle__iexact="Uppolice")
        for _ in range(steps):
            feeder.step()
            outcome = poller.poll_account(account)
            assert outcome.run is not None and outcome.run.error == ""
        deletions.sweep()
        return set(server.fake.tweets) - {t for t in server.fake.tweets if server.fake.tweets[t].get("author_id")
                                          == server.fake.state_id}


@pytest.fixture
def x_settings(settings, db):
    settings.X_BEARER_TOKEN = "test-bearer"
    settings.X_API_KEY, settings.X_API_SECRET = "key", "secret"
    settings.X_ACCESS_TOKEN, settings.X_ACCESS_SECRET = "1000000000000000001-token", "token-secret"
    settings.X_POST_ENABLED = False
    settings.X_AUTO_FORWARD_CONFIDENCE = None
    settings.X_POLL_BACKOFF_SECONDS = 0.01
    return settings


@pytest.mark.django_db(transaction=True)
def test_two_short_runs_keep_mentions_coming_and_file_nothing_twice(x_settings):
    first_ids = _run(x_settings)
    fed = Complaint.objects.filter(author_username__in=demo_feed.HANDLES)
    first = Complaint.objects.count()
    assert fed.count() >= STEPS - 1
    # Every screen has something to show: an urgent case, photos, an edit, a deletion, a request to look again.
    assert fed.filter(priority="urgent").exists()
    assert any(c.media for c in fed)
    assert Complaint.objects.filter(messages__kind=MessageKind.EDIT).exists()
    assert Event.objects.filter(action="deleted_on_x").exists()
    reopened = Event.objects.get(action="reopen_requested").complaint
    assert reopened.status == Status.RESOLVED and reopened.author_username in demo_feed.HANDLES
    texts_before = set(Complaint.objects.values_list("text", flat=True))

    second_ids = _run(x_settings)
    # Tried: the same stream and feeder again on the same database, as a second `manage.py demo` would.
    assert min(map(int, second_ids)) > max(map(int, first_ids))
    new = Complaint.objects.exclude(text__in=texts_before)
    assert Complaint.objects.count() - first == new.count() >= STEPS - 1
    texts = list(Complaint.objects.filter(channel="x", same_tweet_as__isnull=True).values_list("text", flat=True))
    assert len(texts) == len(set(texts)), "a text was filed twice"
    assert not Mention.objects.filter(reason__startswith="already filed").exists()


@pytest.mark.django_db
def test_fresh_ids_stay_above_what_the_database_has_seen(x_settings):
    # Tried: a checkpoint far ahead of the clock (a clock set back since the last run).
    state, _ = AccountState.objects.get_or_create(account=XAccount.objects.get(handle__iexact="Uppolice"))
    state.since_id = str(9 * 10**18)
    state.save()
    with FakeXServer() as server:
        feeder = demo_feed.Feeder(server.fake, out=lambda *a: None)
        ids = [int(feeder.mention()["id"]) for _ in range(3)]
    assert ids == sorted(ids) and ids[0] > 9 * 10**18 and len(set(ids)) == 3


def test_the_simulated_districts_answer_only_their_share_of_forwards():
    with FakeXServer() as server:
        fake = server.fake
        fake.add_user({"id": "2000000000000000101", "username": "lkopolice", "name": "Lucknow Police"})
        fake.noted_delay = 0
        for share, expected in ((0.0, 0), (1.0, 10)):
            fake.noted_share, fake.pending_noted = share, []
            for n in range(10):
                assert fake.create_tweet(fake.state_id, {"text": f"@lkopolice please see {share} {n}"})[0] == 201
            assert len(fake.pending_noted) == expected
        fake.noted_share, fake.pending_noted = 0.5, []
        for n in range(200):
            fake.create_tweet(fake.state_id, {"text": f"@lkopolice half {n}"})
        assert 60 < len(fake.pending_noted) < 140
