"""Adaptive polling (pacing.py) against the simulated X API, whose mentions answers carry X's
x-rate-limit-* headers, with pacing's clock moved by the test instead of waiting."""

import time

import pytest

from twitter_ingest import pacing, poller, tasks
from twitter_ingest.ledger_models import XCharge
from twitter_ingest.models import PollRun

from .conftest import mention


class Clock:
    def __init__(self):
        self.now = time.time()

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    moving = Clock()
    monkeypatch.setattr(pacing, "clock", moving)
    return moving


def wait(state_account):
    return pacing.state(state_account.pk)["next_at"]


def test_speeds_up_while_mentions_flow_and_backs_off_when_quiet(fake_x, state_account, clock, settings):
    fake_x.fake.limits["mentions"] = 9000   # a limit far away, so only activity sets the pace here
    settings.X_POLL_RESERVE = 0
    mention(fake_x, "citizen_a", "@Uppolice chain snatching at Hazratganj")
    poller.poll_account(state_account)
    waits = [wait(state_account) - clock.now]
    for _ in range(5):                   # quiet: each empty poll waits longer, up to X_POLL_INTERVAL
        clock.now = wait(state_account)
        assert pacing.is_due(state_account.pk) and poller.poll_account(state_account).run.fetched == 0
        waits.append(wait(state_account) - clock.now)
    assert waits[0] == pytest.approx(2.0, abs=0.2)
    assert waits[1:] == pytest.approx([3.0, 4.5, 6.0, 6.0, 6.0], abs=0.2)
    clock.now = wait(state_account)
    mention(fake_x, "citizen_b", "@Uppolice loud music after midnight in Aliganj")
    assert poller.poll_account(state_account).run.fetched == 1
    assert wait(state_account) - clock.now == pytest.approx(2.0, abs=0.2)   # flowing again: fast again


def test_spreads_the_remaining_requests_over_the_window(fake_x, state_account, clock, settings):
    fake_x.fake.limits["mentions"] = 40
    mention(fake_x, "citizen_a", "@Uppolice a mention that makes the poller want to hurry")
    run = poller.poll_account(state_account).run
    assert run.rate_limit_remaining == 39
    left = run.rate_limit_reset_at.timestamp() - clock.now
    # 39 left less the 10 kept for paging and the overlap poll: 29 requests over the rest of the window.
    assert wait(state_account) - clock.now == pytest.approx(left / 29, rel=0.05)
    assert not pacing.is_due(state_account.pk) and not pacing.claim(state_account.pk)


def test_never_exceeds_the_limit_while_mentions_keep_coming(fake_x, state_account, clock, settings):
    """Beat's tick every 2 s over a whole 15-minute window with a new mention before every tick: the
    polls stop short of the limit, none gets a 429, and they last until the window resets."""
    fake_x.fake.limits["mentions"] = 30
    settings.X_POLL_RESERVE = 5
    start = clock.now
    reset = None
    i = 0
    while reset is None or clock.now < reset - 1:
        mention(fake_x, "citizen_a", f"@Uppolice complaint {i} about a broken streetlight")
        i += 1
        tasks.poll_all.delay()
        last = PollRun.objects.first()
        reset = last.rate_limit_reset_at.timestamp() if last else None
        clock.now += settings.X_POLL_TICK
    runs = list(PollRun.objects.order_by("started_at"))
    asked = sum(run.pages for run in runs)
    assert all(not run.error for run in runs), [run.error for run in runs]
    assert 20 <= asked <= 30 - 5 + 1       # the reserve is left, near enough all the rest was used
    assert runs[-1].rate_limit_remaining >= 4
    assert reset - start > 800         # the loop really covered the window


def test_spread_polls_reach_the_end_of_the_window(fake_x, state_account, clock, settings):
    fake_x.fake.limits["mentions"] = 30
    settings.X_POLL_RESERVE = 5
    start, times = clock.now, []
    mention(fake_x, "citizen_a", "@Uppolice first complaint of the window")
    reset = None
    while reset is None or clock.now < reset - 1:
        if pacing.claim(state_account.pk):
            run = poller.poll_account(state_account).run
            times.append(clock.now - start)
            reset = run.rate_limit_reset_at.timestamp()
            mention(fake_x, "citizen_a", f"@Uppolice complaint after poll {len(times)}")
        clock.now += settings.X_POLL_TICK
    assert 20 <= len(times) <= 25
    assert times[len(times) // 2] > 300   # half the polls still to come after the first third of the window
    assert times[-1] > 750               # and the last near its end, not all at the start


def test_waits_for_the_reset_when_only_the_reserve_is_left(fake_x, state_account, clock, settings):
    fake_x.fake.limits["mentions"] = 12
    settings.X_POLL_RESERVE = 10
    poller.poll_account(state_account)
    clock.now = wait(state_account)
    run = poller.poll_account(state_account).run
    assert run.rate_limit_remaining == 10
    assert wait(state_account) >= run.rate_limit_reset_at.timestamp()


def test_a_queued_poll_is_not_queued_again_and_a_held_lock_keeps_the_account_due(fake_x, state_account, clock):
    from django.core.cache import cache

    assert pacing.claim(state_account.pk)
    assert not pacing.claim(state_account.pk)       # the next tick while the poll waits in the queue
    cache.add(poller.lock_key(state_account.pk), "someone else", timeout=60)
    before = len(fake_x.fake.requests)
    outcome = poller.poll_account(state_account)
    assert outcome.skipped == "another poller holds the lock" and len(fake_x.fake.requests) == before
    assert pacing.is_due(state_account.pk) and pacing.claim(state_account.pk)   # tried again on the next tick
    cache.delete(poller.lock_key(state_account.pk))


def test_empty_polls_cost_nothing(fake_x, state_account, clock):
    poller.poll_account(state_account)
    billed = XCharge.objects.count()
    for _ in range(5):
        clock.now = wait(state_account)
        assert poller.poll_account(state_account).run.fetched == 0
    assert XCharge.objects.count() == billed
