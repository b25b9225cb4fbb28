"""Polling through the real tweepy client against the simulated X API over HTTP."""

import time
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from complaints.models import Complaint
from complaints import reasons
from twitter_ingest import poller
from twitter_ingest.models import AccountState, Mention, PollRun, RejectedInput

from .conftest import mention


def test_pagination_files_everything_oldest_first_and_moves_the_checkpoint(fake_x, state_account):
    tweets = [mention(fake_x, "citizen_b", f"@Uppolice complaint number {i} about a broken signal") for i in range(250)]
    outcome = poller.poll_account(state_account)
    run = outcome.run
    assert (run.pages, run.fetched, run.filed, run.error) == (3, 250, 250, "")
    assert run.rate_limit_remaining is not None and run.lag_seconds is not None
    state = AccountState.objects.get(account=state_account)
    assert state.since_id == tweets[-1]["id"] and state.last_success_at
    filed = list(Complaint.objects.order_by("pk").values_list("source_tweet_id", flat=True))
    assert filed == [t["id"] for t in tweets]          # oldest first


def test_since_id_fetches_only_new_mentions(fake_x, state_account):
    mention(fake_x, "citizen_b", "@Uppolice first")
    poller.poll_account(state_account)
    second = mention(fake_x, "citizen_b", "@Uppolice second complaint")
    run = poller.poll_account(state_account).run
    assert run.fetched == 1 and run.newest_id == second["id"]
    query = [path for method, path in fake_x.fake.requests if path.endswith("/mentions")]
    assert len(query) == 2
    assert poller.poll_account(state_account).run.fetched == 0


def test_429_records_the_reset_time_without_sleeping(fake_x, state_account, monkeypatch):
    mention(fake_x, "citizen_b", "@Uppolice waiting")
    fake_x.fake.faults.append({"route": "mentions", "status": 429, "reset_in": 120})

    def no_sleep(seconds):
        raise AssertionError(f"slept {seconds} s on a 429")

    # Neither the poller nor tweepy (wait_on_rate_limit) may wait for the reset: a sleep fails the test
    # at once, whatever the machine's speed.
    monkeypatch.setattr(time, "sleep", no_sleep)
    outcome = poller.poll_account(state_account)
    monkeypatch.undo()
    assert reasons.code_of(outcome.run.error) == reasons.RATE_LIMITED
    reset = outcome.retry_at
    assert timedelta(seconds=100) < reset - timezone.now() < timedelta(seconds=140)
    assert AccountState.objects.get(account=state_account).rate_limited_until == reset
    skipped = poller.poll_account(state_account)
    assert skipped.run is None and skipped.skipped == "rate-limited" and skipped.retry_at == reset
    AccountState.objects.filter(account=state_account).update(rate_limited_until=timezone.now() - timedelta(seconds=1))
    assert poller.poll_account(state_account).run.filed == 1


def test_503_and_timeouts_are_retried_with_backoff(fake_x, state_account, settings):
    mention(fake_x, "citizen_b", "@Uppolice after a glitch")
    # The delay is well past the timeout, and the timeout well past an ordinary answer on a busy machine.
    settings.X_API_TIMEOUT = 1.0
    fake_x.fake.faults.extend([{"route": "mentions", "status": 503}, {"route": "mentions", "delay": 2.5}])
    run = poller.poll_account(state_account).run
    assert run.error == "" and run.filed == 1


def test_persistent_5xx_backs_off_across_polls(fake_x, state_account):
    mention(fake_x, "citizen_b", "@Uppolice during an outage")
    fake_x.fake.faults.append({"route": "mentions", "status": 503, "count": 10})
    outcome = poller.poll_account(state_account)
    assert "503" in outcome.run.error and outcome.retry_at > timezone.now()
    state = AccountState.objects.get(account=state_account)
    assert state.failures == 1 and state.since_id == ""
    assert poller.poll_account(state_account).skipped == "backing off after errors"


def test_401_and_402_pause_the_account(fake_x, state_account):
    fake_x.fake.faults.append({"route": "mentions", "status": 401})
    run = poller.poll_account(state_account).run
    state = AccountState.objects.get(account=state_account)
    assert state.paused_reason.startswith("401") and reasons.code_of(run.error) == reasons.PAUSED
    assert poller.poll_account(state_account).skipped.startswith("paused")
    AccountState.objects.filter(pk=state.pk).update(paused_reason="")
    fake_x.fake.faults.append({"route": "mentions", "status": 402})
    poller.poll_account(state_account)
    assert "credits depleted" in AccountState.objects.get(pk=state.pk).paused_reason


def test_partial_errors_and_deleted_references(fake_x, state_account):
    root = mention(fake_x, "citizen_b", "@Uppolice original")
    fake_x.fake.deleted.add(root["id"])
    mention(fake_x, "citizen_a", "@Uppolice replying to a tweet that is gone now", in_reply_to=root["id"])
    run = poller.poll_account(state_account).run
    assert run.filed == 1 and run.error == ""
    assert RejectedInput.objects.filter(reason__contains="Not Found").exists()
    assert Mention.objects.get().raw["errors"][0]["resource_id"] == root["id"]


def test_ids_beyond_2_53_and_unknown_authors(fake_x, state_account):
    big = str(2**63 - 5)
    fake_x.fake.add_tweet({"id": big, "author_id": "4999999999999999999", "text": "@Uppolice id near 2^63",
                           "created_at": "2026-11-20T10:00:00.123Z"})
    run = poller.poll_account(state_account).run
    assert run.filed == 1
    complaint = Complaint.objects.get()
    assert complaint.source_tweet_id == big and complaint.author_username == ""
    assert AccountState.objects.get(account=state_account).since_id == big


def test_overlap_poll_catches_a_late_mention_below_the_checkpoint(fake_x, state_account):
    now = timezone.now()
    newer = mention(fake_x, "citizen_b", "@Uppolice newer")
    poller.poll_account(state_account)
    late = fake_x.fake.add_tweet({"id": str(int(newer["id"]) - 1000), "author": "citizen_a",
                                  "text": "@Uppolice I was delayed by the API",
                                  "created_at": (now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")})
    assert poller.poll_account(state_account).run.fetched == 0       # below since_id: invisible
    run = poller.poll_account(state_account, overlap=True).run
    assert run.kind == "overlap" and run.fetched == 2 and run.filed == 1
    assert Complaint.objects.filter(source_tweet_id=late["id"]).exists()
    assert AccountState.objects.get(account=state_account).since_id == newer["id"]


def test_800_cap_is_flagged_as_a_possible_gap(fake_x, state_account):
    root = mention(fake_x, "citizen_a", "@Uppolice the original")
    for i in range(805):   # retweets: filed as "ignored", so the test stays quick
        fake_x.fake.add_tweet({"author": "citizen_b", "text": f"RT @citizen_a: @Uppolice the original {i}",
                               "referenced_tweets": [{"type": "retweeted", "id": root["id"]}]})
    run = poller.poll_account(state_account).run
    assert run.fetched == 800 and run.reached_800_cap and run.outcomes == {"ignored": 800}


def test_one_poller_per_account(fake_x, state_account):
    mention(fake_x, "citizen_b", "@Uppolice locked")
    cache.add(poller.lock_key(state_account.pk), "someone-else", timeout=60)
    assert poller.poll_account(state_account).skipped == "another poller holds the lock"
    cache.delete(poller.lock_key(state_account.pk))
    assert poller.poll_account(state_account).run.filed == 1
    assert cache.get(poller.lock_key(state_account.pk)) is None


def test_without_credentials_nothing_is_fetched(fake_x, state_account, settings):
    settings.X_BEARER_TOKEN = settings.X_ACCESS_TOKEN = ""
    run = poller.poll_account(state_account).run
    assert "No X credentials" in reasons.describe_in("en", run.error) and not fake_x.fake.requests
    assert PollRun.objects.count() == 1
