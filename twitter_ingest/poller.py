"""Polling one watched account's mentions.

One poller per account at a time (a cache lock with an expiry, so a dead holder cannot block polling for
longer than X_POLL_LOCK_SECONDS). A regular poll pages from the stored since_id until next_token runs out,
then files everything oldest first and moves the checkpoint to the first page's newest_id in the same
transaction. Each tweet keeps its bytes as received (evidence.py). A poll cut short between pages files
what it read except replies whose originals it did not reach (threads.py); the checkpoint stays, so the
next poll reads them again with their originals. An overlap poll asks for a recent time window instead (late arrivals below the checkpoint)
and never moves the checkpoint; the unique tweet id drops what is already filed.

When the next poll is due is pacing.py's decision, from the mentions each poll finds and the rate-limit
headers of its answers. Nothing here sleeps for a rate limit: a 429 records its reset time on the account (the next poll is
skipped until then, and the Celery task re-queues itself for that time). 5xx and timeouts are retried a
couple of times with short jittered backoff, then the account backs off exponentially across polls.
401/402/403 pause the account with the reason, shown on the ingest health page.

Every watched account goes through this same path with its own checkpoint, lock and rate-limit state, so a
429 or a pause of one leaves the others polling. An account with its own tokens (credentials.py) is read
as itself; the others with the state account's tokens, and the state account's own mentions with its user
tokens when they are set (owned reads; X_READ_MENTIONS_WITH). The watched accounts a page's tweets were
addressed to are recorded before filing (accounts.record_mentioned).

Mentions are read without X's user expansions (each user they return is billed every UTC day): before
filing, users.resolve gives each tweet its author from the registered accounts and the users table and
looks up the rest in one request; a lookup that fails files by id, and a later complete poll fills the
handles in (users.fill_missing)."""

import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone

import requests
import tweepy
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from complaints import reasons
from districts.models import XAccount

from . import accounts, credentials, evidence, pacing, threads, users
from .filing import Filer, record_problems
from .tweets import envelopes_from_response
from .models import AccountState, PollRun, Source

log = logging.getLogger(__name__)

# No user expansions: each user they return is a billed user read every UTC day; the tweet's author_id is
# enough, and users.py gives the author from what the desk knows, looking up only those it does not.
EXPANSIONS = ["referenced_tweets.id", "geo.place_id", "attachments.media_keys"]
TWEET_FIELDS = ["created_at", "author_id", "conversation_id", "in_reply_to_user_id", "referenced_tweets", "entities",
                "lang", "geo", "attachments", "note_tweet"]
PLACE_FIELDS = ["full_name", "country_code", "place_type"]
MEDIA_FIELDS = ["type", "url", "preview_image_url", "alt_text", "width", "height"]
REACHABLE = 800


class Transient(Exception):
    pass


@dataclass
class Outcome:
    run: PollRun | None
    retry_at: datetime | None = None
    skipped: str = ""


def lock_key(account_id):
    return f"twitter_ingest:poll-lock:{account_id}"


def _headers(response, run):
    headers = getattr(response, "headers", None) or {}
    try:
        run.rate_limit_remaining = int(headers["x-rate-limit-remaining"])
        run.rate_limit_reset_at = datetime.fromtimestamp(int(headers["x-rate-limit-reset"]), tz=dt_timezone.utc)
    except (KeyError, ValueError, TypeError):
        pass


def _call(fn, *args, **kwargs):
    """One API call with a few quick retries of transient failures (jittered), never for 429."""
    attempts = settings.X_POLL_RETRIES + 1
    for attempt in range(attempts):
        try:
            return fn(*args, **kwargs)
        except (tweepy.TwitterServerError, requests.Timeout, requests.ConnectionError) as exc:
            if attempt == attempts - 1:
                raise Transient(_describe(exc)) from exc
            time.sleep(settings.X_POLL_BACKOFF_SECONDS * (2 ** attempt) * random.uniform(0.5, 1.5))


def _describe(exc):
    if isinstance(exc, tweepy.HTTPException):
        status = exc.response.status_code if exc.response is not None else "?"
        messages = "; ".join(exc.api_messages) or str(exc).splitlines()[0]
        return f"{status}: {messages}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]


def poll_account(account, *, overlap=False, client=None):
    """Poll one account; returns Outcome (run is None when skipped: locked, paused, or waiting)."""
    if not isinstance(account, XAccount):
        account = XAccount.objects.get(pk=account)
    key, token = lock_key(account.pk), uuid.uuid4().hex
    if not cache.add(key, token, timeout=settings.X_POLL_LOCK_SECONDS):
        pacing.after_poll(account, None, busy=True)
        return Outcome(None, skipped="another poller holds the lock")
    outcome = None
    try:
        outcome = _poll_locked(account, overlap, client)
        return outcome
    finally:
        if cache.get(key) == token:
            cache.delete(key)
        # Also after a failure, so the claim is released and the account is due again after its interval.
        pacing.after_poll(account, outcome.run if outcome else None, retry_at=outcome.retry_at if outcome else None)


def _poll_locked(account, overlap, client):
    state, _ = AccountState.objects.get_or_create(account=account)
    now = timezone.now()
    if state.paused_reason:
        return Outcome(None, skipped=f"paused: {state.paused_reason}")
    if state.rate_limited_until and state.rate_limited_until > now:
        return Outcome(None, retry_at=state.rate_limited_until, skipped="rate-limited")
    if state.retry_after and state.retry_after > now:
        return Outcome(None, retry_at=state.retry_after, skipped="backing off after errors")
    run = PollRun.objects.create(account=account, kind=Source.OVERLAP if overlap else Source.POLL, started_at=now)
    state.last_poll_at = now
    if not credentials.can_read(account):
        run.error = reasons.encode(reasons.NO_CREDENTIALS)
        return _finish(run, state, complete=False)
    # An account with its own tokens is read as itself (its own rate limits); others with the state's. The
    # state account's own mentions are read with its user tokens where X_READ_MENTIONS_WITH says so (owned
    # reads); the user lookups along the way are user reads whoever asks, and keep the bearer token.
    client = client or credentials.reader_for(account)[0]
    user_auth, lookup_auth = credentials.mentions_auth(account), credentials.lookup_auth(account)
    envelopes, problems, newest, complete, retry_at = [], [], "", False, None
    served = 0  # tweets of the timeline itself (envelopes also holds originals filed from includes)
    try:
        user_id = trusted_user_id(client, account, state, lookup_auth)
        if user_id != state.user_id:
            state.user_id = user_id
            AccountState.objects.filter(pk=state.pk).update(user_id=state.user_id)
        params = dict(max_results=100, expansions=EXPANSIONS, tweet_fields=TWEET_FIELDS, place_fields=PLACE_FIELDS,
                      media_fields=MEDIA_FIELDS, user_auth=user_auth)
        if overlap:
            params["start_time"] = now - timedelta(minutes=settings.X_OVERLAP_WINDOW_MINUTES)
        elif state.since_id:
            params["since_id"] = state.since_id
        token = None
        while True:
            response = _call(client.get_users_mentions, state.user_id, pagination_token=token, **params)
            _headers(response, run)
            body = response.json()
            run.pages += 1
            page, page_problems = envelopes_from_response(body)
            exact = evidence.tweet_bytes(response.content)
            for env in page:
                env.received = exact.get(env.tweet_id)
            envelopes.extend(page)
            served += len(page)
            # Before filing, so a filing that fails still leaves who the tweets were addressed to.
            accounts.record_mentioned(account, page)
            envelopes.extend(threads.parents_from_includes(
                body, exact, own_handles={account.handle, settings.X_STATE_HANDLE}, own_ids={state.user_id} - {""}))
            problems.extend(page_problems)
            meta = body.get("meta") or {}
            if run.pages == 1:
                newest = str(meta.get("newest_id") or "")
            token = meta.get("next_token")
            if not token:
                break
        complete = True
    except tweepy.TooManyRequests as exc:
        retry_at = (datetime.fromtimestamp(exc.reset_time, tz=dt_timezone.utc) if exc.reset_time
                    else now + timedelta(minutes=15))
        state.rate_limited_until = retry_at
        run.error = reasons.encode(reasons.RATE_LIMITED, until=f"{retry_at:%H:%M:%S}")
        _headers(exc.response, run)
    except (tweepy.Unauthorized, tweepy.Forbidden) as exc:
        state.paused_reason, state.paused_at = _describe(exc), now
        run.error = reasons.encode(reasons.PAUSED, detail=state.paused_reason)
    except tweepy.HTTPException as exc:
        if exc.response is not None and exc.response.status_code == 402:
            state.paused_reason, state.paused_at = _describe(exc), now
            run.error = reasons.encode(reasons.PAUSED, detail=state.paused_reason)
        else:
            run.error = reasons.encode(reasons.X_ERROR, detail=_describe(exc))
            retry_at = _back_off(state, now)
    except Transient as exc:
        run.error = reasons.encode(reasons.PASSING_FAULT, detail=str(exc))
        retry_at = _back_off(state, now)
    except ValueError as exc:  # a body that is not JSON
        run.error = reasons.encode(reasons.UNREADABLE, detail=str(exc))
        retry_at = _back_off(state, now)
    held = []
    if not complete and envelopes:
        # Cut short between pages: replies whose originals are on pages not read wait for the next poll.
        envelopes, held = threads.hold_orphans(envelopes)
    unresolved = set()
    if envelopes:
        # Authors not known yet are looked up in one batch; a lookup that fails files them by id alone.
        unresolved = users.resolve(envelopes, client, user_auth=lookup_auth)
    run.fetched = len(envelopes) + len(held)
    run.newest_id = newest
    run.reached_800_cap = complete and not overlap and served >= REACHABLE
    # What was fetched is filed even after a failure; the checkpoint moves only after a complete poll.
    filer = Filer(source=Source.OVERLAP if overlap else Source.POLL, account=account)
    checkpoint = (state, newest) if complete and not overlap else None
    try:
        summary = filer.file(envelopes, checkpoint=checkpoint, batch_size=None)
    except Exception as exc:
        run.error = reasons.encode(reasons.FILING_FAILED, detail=f"{type(exc).__name__}: {exc}")
        _finish(run, state, complete=False)
        raise
    record_problems(problems, f"poll @{account.handle}")
    if complete and not unresolved:
        # Handles that an earlier failed lookup left out (at most one request, only when any is missing; not
        # straight after a lookup that failed).
        users.fill_missing(client, user_auth=lookup_auth)
    run.filed = summary.filed
    run.lag_seconds = summary.max_lag
    run.outcomes = dict(summary.counts)
    if held:
        run.outcomes["held_for_next_poll"] = len(held)
    outcome = _finish(run, state, complete=complete)
    outcome.retry_at = retry_at
    return outcome


def _back_off(state, now):
    state.failures += 1
    delay = min(settings.X_POLL_INTERVAL * (2 ** (state.failures - 1)), 900) * random.uniform(0.5, 1.5)
    state.retry_after = now + timedelta(seconds=delay)
    state.last_error = reasons.encode(reasons.FAILURES_IN_A_ROW, count=state.failures)
    return state.retry_after


def _finish(run, state, *, complete):
    run.finished_at = timezone.now()
    run.save()
    fields = ["last_poll_at", "paused_reason", "paused_at", "rate_limited_until", "failures", "retry_after",
              "last_error"]
    if complete:
        state.last_success_at = run.finished_at
        state.failures, state.retry_after, state.last_error, state.rate_limited_until = 0, None, "", None
        if run.kind == Source.OVERLAP:
            state.last_overlap_at = run.finished_at
        fields += ["last_success_at", "last_overlap_at"]
    else:
        state.last_error = (run.error or state.last_error)[:500]
    AccountState.objects.filter(pk=state.pk).update(**{f: getattr(state, f) for f in fields})
    return Outcome(run)


def trusted_user_id(client, account, state, user_auth):
    """The X user id to poll: the id on file (the account audit keeps it) before the one resolved from the
    handle, so a renamed account is still polled and a handle someone else took is not."""
    if account.user_id:
        return account.user_id
    return state.user_id or _resolve_user_id(client, account.handle, user_auth)


def _resolve_user_id(client, handle, user_auth):
    response = client.get_user(username=handle, user_auth=user_auth)
    body = response.json()
    if not body.get("data"):
        raise tweepy.HTTPException(response)
    return str(body["data"]["id"])


def watched_accounts():
    return accounts.watched_accounts()
