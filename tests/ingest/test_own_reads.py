"""Which token reads what (X_READ_MENTIONS_WITH), through the real tweepy client against the simulated X over
HTTP, which tells the app's bearer token ("app") from a call in a user's context (OAuth 1.0a signs with an
oauth_token): X bills the state account's own mentions as owned reads only when they are read with its own
user tokens, and limits that context to 300 requests per 15 minutes where the bearer token has 450."""

import time

import pytest

from districts.models import XAccount
from twitter_ingest import account_audit, credentials, deletions, pacing, poller, watches
from twitter_ingest.checks import mentions_reader_is_known
from twitter_ingest.models import Watch

from .conftest import STATE_ID, mention
from .test_x_bill import _bill

UP112_ID = "2000000000000000011"


def _who(fake_x, suffix):
    """Who each call to a path ending so acted as: the user id for a user's context, "app" for the bearer."""
    return [who for _, path, who in fake_x.fake.contexts if path.endswith(suffix)]


def test_with_both_tokens_set_the_state_accounts_mentions_are_owned_reads(fake_x, state_account, settings):
    assert settings.X_BEARER_TOKEN and settings.X_ACCESS_TOKEN and settings.X_READ_MENTIONS_WITH == "own"
    mention(fake_x, "citizen_a", "@Uppolice Aliganj me raat ko chori hui")
    run = poller.poll_account(state_account).run
    assert run.error == "" and run.fetched == 1
    assert _who(fake_x, "/mentions") == [STATE_ID]  # OAuth 1.0a, as the state account
    # The user lookups along the way (the state account's id by its handle, the citizen by id) are user
    # reads whoever asks, and keep the bearer token.
    assert set(_who(fake_x, "/by/username/Uppolice") + _who(fake_x, "/2/users")) == {"app"}
    assert _bill() == {"owned_read": 1, "user_read": 2}
    # The answer's headers are the user context's: 300 a window, one spent.
    assert run.rate_limit_remaining == 299


def test_app_reads_the_state_accounts_mentions_with_the_bearer_token(fake_x, state_account, settings):
    settings.X_READ_MENTIONS_WITH = "app"
    mention(fake_x, "citizen_a", "@Uppolice Aliganj me raat ko chori hui")
    run = poller.poll_account(state_account).run
    assert run.error == "" and _who(fake_x, "/mentions") == ["app"]
    assert _bill() == {"post_read": 1, "user_read": 2}
    assert run.rate_limit_remaining == 449


def test_without_user_tokens_the_bearer_token_reads_them(fake_x, state_account, settings):
    settings.X_ACCESS_TOKEN = settings.X_ACCESS_SECRET = ""
    mention(fake_x, "citizen_a", "@Uppolice Aliganj me raat ko chori hui")
    assert poller.poll_account(state_account).run.error == ""
    assert _who(fake_x, "/mentions") == ["app"]
    assert _bill() == {"post_read": 1, "user_read": 2}


def test_without_a_bearer_token_the_user_tokens_read_everything_either_way(fake_x, state_account, settings):
    settings.X_BEARER_TOKEN = ""
    settings.X_READ_MENTIONS_WITH = "app"
    mention(fake_x, "citizen_a", "@Uppolice Aliganj me raat ko chori hui")
    assert poller.poll_account(state_account).run.error == ""
    assert set(fake_x.fake.contexts and [who for _, _, who in fake_x.fake.contexts]) == {STATE_ID}
    assert _bill() == {"owned_read": 1, "user_read": 2}


def test_a_unit_account_without_tokens_stays_on_the_bearer_token(fake_x, settings):
    """Its mentions are not the authenticated user's whichever token reads them: post reads either way, so
    it keeps the app's larger limit."""
    fake_x.fake.add_user({"id": UP112_ID, "username": "112UttarPradesh", "name": "UP 112"})
    up112 = XAccount.objects.get(handle="112UttarPradesh")
    XAccount.objects.filter(pk=up112.pk).update(watched=True, user_id=UP112_ID)
    up112.refresh_from_db()
    mention(fake_x, "citizen_a", "@112UttarPradesh Aliganj me raat ko chori hui")
    assert poller.poll_account(up112).run.error == ""
    assert _who(fake_x, "/mentions") == ["app"]
    assert _bill() == {"post_read": 1, "user_read": 1}


def test_reads_x_does_not_price_as_owned_keep_the_bearer_token(fake_x, state_account, settings, unit):
    """The deletion sweep's lookup of citizens' tweets, the watches' recent search and the account audit's
    user lookups cost the same whoever asks; they stay on the bearer token."""
    settings.X_DELETION_RECHECK_HOURS = 0
    mention(fake_x, "citizen_a", "@Uppolice Hazratganj Lucknow me chori hui")
    poller.poll_account(state_account)
    assert deletions.sweep()["requests"] == 1
    Watch.objects.create(unit=unit("lucknow-commissionerate"), name="Lucknow", place_terms=["Lucknow"],
                         incident_terms=["chori"], monthly_cap=100)
    watches.run_all()
    account_audit.run(following=False)
    assert _who(fake_x, "/mentions") == [STATE_ID]
    assert _who(fake_x, "/2/tweets") and set(_who(fake_x, "/2/tweets")) == {"app"}
    assert _who(fake_x, "/search/recent") and set(_who(fake_x, "/search/recent")) == {"app"}
    assert set(_who(fake_x, "/2/users") + _who(fake_x, "/2/users/by")) == {"app"}


class Clock:
    def __init__(self):
        self.now = time.time()

    def __call__(self):
        return self.now


def test_pacing_spreads_the_user_contexts_limit_and_shares_it_with_no_one(fake_x, state_account, settings,
                                                                       monkeypatch):
    clock = Clock()
    monkeypatch.setattr(pacing, "clock", clock)
    # Two unit accounts without tokens watched beside the state account: on the bearer token they share
    # the app's limit; the state account's own mentions are read on its own user limit.
    XAccount.objects.filter(handle__in=["lkopolice", "noidapolice"]).update(watched=True)
    assert pacing.sharers(state_account) == 1
    assert pacing.sharers(XAccount.objects.get(handle="lkopolice")) == 2
    mention(fake_x, "citizen_a", "@Uppolice a mention that makes the poller want to hurry")
    run = poller.poll_account(state_account).run
    assert run.rate_limit_remaining == 299
    left = run.rate_limit_reset_at.timestamp() - clock.now
    waited = pacing.state(state_account.pk)["next_at"] - clock.now
    assert waited == pytest.approx(max(settings.X_POLL_MIN_INTERVAL, left / (299 - settings.X_POLL_RESERVE)),
                                   rel=0.05)


def test_with_app_the_state_account_shares_the_bearer_tokens_limit(fake_x, state_account, settings):
    from django.core.cache import cache

    settings.X_READ_MENTIONS_WITH = "app"
    XAccount.objects.filter(handle__in=["lkopolice", "noidapolice"]).update(watched=True)
    cache.delete("twitter_ingest:poll-sharers")
    assert pacing.sharers(state_account) == 3
    settings.X_READ_MENTIONS_WITH, settings.X_BEARER_TOKEN = "own", ""
    cache.delete("twitter_ingest:poll-sharers")
    # No bearer token: everyone is read with the state account's user tokens, one limit for all.
    assert pacing.sharers(state_account) == 3 and credentials.on_shared_limit(state_account)


def test_pacing_keeps_the_user_limit_over_a_whole_window(fake_x, state_account, settings, monkeypatch):
    """A mention before every tick for a whole 15-minute window, read with the state account's own tokens on
    a small user limit (the bearer token's is left large): no 429, the reserve kept."""
    clock = Clock()
    monkeypatch.setattr(pacing, "clock", clock)
    fake_x.fake.limits["mentions"], fake_x.fake.app_limits["mentions"] = 30, 10_000
    settings.X_POLL_RESERVE = 5
    start, reset, i = clock.now, None, 0
    runs = []
    while reset is None or clock.now < reset - 1:
        mention(fake_x, "citizen_a", f"@Uppolice complaint {i} about a broken streetlight")
        i += 1
        if pacing.claim(state_account.pk):
            run = poller.poll_account(state_account).run
            runs.append(run)
            reset = run.rate_limit_reset_at.timestamp()
        clock.now += settings.X_POLL_TICK
    assert all(not run.error for run in runs), [run.error for run in runs]
    assert set(_who(fake_x, "/mentions")) == {STATE_ID}
    assert 20 <= sum(run.pages for run in runs) <= 30 - 5 + 1 and runs[-1].rate_limit_remaining >= 4
    assert reset - start > 800


def test_an_unknown_setting_is_refused_at_start(settings):
    assert mentions_reader_is_known(None) == []
    settings.X_READ_MENTIONS_WITH = "bearer"
    assert [e.id for e in mentions_reader_is_known(None)] == ["twitter_ingest.E002"]
