"""When each watched account is polled next.

Beat ticks every X_POLL_TICK seconds; an account is polled on a tick only when it is due. After a poll
the next one is due X_POLL_MIN_INTERVAL seconds later while mentions are flowing (the poll fetched
something), and the wait grows by X_POLL_BACKOFF_FACTOR with each empty poll up to X_POLL_INTERVAL when it
is quiet. An empty poll costs nothing on X's bill (pricing is per post returned, see ledger.py), so the
only thing to spare is the rate limit: the x-rate-limit-remaining/-reset headers of the last answer cap the
pace so that the requests left (less X_POLL_RESERVE, kept for paging and the overlap poll) last until the
window resets, shared among the accounts that are read with the same tokens. With no request left the
next poll waits for the reset.

The state lives in the cache (Redis in production), so every worker and beat agree. A lost entry only
makes the account due at once; the next answer's headers set the pace again. Dispatching takes a claim,
so a queued poll is not queued again on the next tick before it has run; the poller's lock still keeps
two polls of one account from running at once."""

import time

from django.conf import settings
from django.core.cache import cache

from . import accounts, credentials

clock = time.time  # the time pacing reads (epoch seconds); tests move it
CLAIM_SECONDS = 60  # a queued poll that has not started in this long (a worker died) may be queued again
SHARERS_SECONDS = 60


def _key(account_id):
    return f"twitter_ingest:poll-pace:{account_id}"


def _claim_key(account_id):
    return f"twitter_ingest:poll-claim:{account_id}"


def state(account_id):
    """{next_at, interval, remaining, reset_at} (epoch seconds), or {} before the first poll."""
    return cache.get(_key(account_id)) or {}


def is_due(account_id, now=None):
    now = clock() if now is None else now
    return now >= state(account_id).get("next_at", 0)


def claim(account_id, now=None):
    """True for the one caller that may queue this account's poll now (it is due and not already queued)."""
    return is_due(account_id, now) and cache.add(_claim_key(account_id), 1, timeout=CLAIM_SECONDS)


def release(account_id):
    cache.delete(_claim_key(account_id))


def after_poll(account, run, *, retry_at=None, busy=False, now=None):
    """Record a poll (run None: skipped; busy: another poller held the lock, so the account stays due) and
    set when the account is due next; returns that state."""
    now = clock() if now is None else now
    previous = state(account.pk)
    current = dict(previous)
    if run is not None:
        if run.rate_limit_remaining is not None and run.rate_limit_reset_at is not None:
            current["remaining"] = run.rate_limit_remaining
            current["reset_at"] = run.rate_limit_reset_at.timestamp()
        if run.kind == "poll":
            # Only a regular poll says whether mentions are flowing; an overlap poll re-reads the last
            # half hour, so what it fetched says nothing about now.
            if run.fetched:
                current["interval"] = settings.X_POLL_MIN_INTERVAL
            else:
                grown = previous.get("interval", settings.X_POLL_MIN_INTERVAL) * settings.X_POLL_BACKOFF_FACTOR
                current["interval"] = min(max(grown, settings.X_POLL_MIN_INTERVAL), settings.X_POLL_INTERVAL)
    interval = current.get("interval", settings.X_POLL_MIN_INTERVAL)
    next_at = now + max(interval, spread(current, now, sharers(account)))
    if retry_at is not None:
        next_at = max(next_at, retry_at.timestamp())
    if not busy:
        current["next_at"] = next_at
    cache.set(_key(account.pk), current, timeout=None)
    release(account.pk)
    return current


def spread(current, now, sharers=1):
    """The shortest wait that makes the requests left last until the window resets (0 without headers)."""
    remaining, reset_at = current.get("remaining"), current.get("reset_at")
    if remaining is None or reset_at is None or reset_at <= now:
        return 0.0
    usable = remaining - settings.X_POLL_RESERVE
    if usable <= 0:
        return reset_at - now + 1  # nothing left to spend: wait for the new window
    return (reset_at - now) * sharers / usable


def sharers(account):
    """How many watched accounts spend the same rate limit as this one: 1 when it is read with its own
    tokens (a unit's, or the state account's own mentions read with its user tokens beside a bearer token:
    X's 300 requests per 15 minutes per user), otherwise every watched account read on the shared limit
    (the bearer token's 450 per app, or the state account's user tokens' when there is no bearer token)."""
    if not credentials.on_shared_limit(account):
        return 1
    shared = cache.get("twitter_ingest:poll-sharers")
    if shared is None:
        shared = sum(1 for a in accounts.watched_accounts() if credentials.on_shared_limit(a)) or 1
        cache.set("twitter_ingest:poll-sharers", shared, timeout=SHARERS_SECONDS)
    return shared
