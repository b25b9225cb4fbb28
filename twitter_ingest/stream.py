"""Stream mode (X_INGEST_MODE=stream): the state account's mentions from X's Activity API stream.

X pushes `post.mention.create` (someone @mentions the account in the body of a post) and
`post.reply.create` (a direct reply to one of its posts: the citizen's answer to the desk's reply, whose
@handle X puts in front of the text and so fires no mention event) over one persistent HTTP stream,
GET /2/activity/stream, for the subscriptions the app holds. This process keeps the two subscriptions,
stays connected, and files each event through the same Filer as the poller (filing.py), so a tweet is
filed once whichever way it came (the unique tweet id) and follow-ups attach to their complaints by the
same rules.

What X's reference does not say, and how the desk stands without it:
- Whether events are kept for a client that is not connected, or replayed on reconnect. The OpenAPI lists
  backfill_minutes (0..5), start_time and end_time on the stream without saying what they replay; they are
  not used. Instead every (re)connect is followed by one catch-up poll of the mentions timeline (the
  poller, its since_id checkpoint and its lock): the gap is read from there.
- The stream never moves the checkpoint; only a complete poll does. So whatever the stream misses (a drop,
  a kill mid-filing, a mention in a reply's leading @handles, which fires no event) is still above the
  checkpoint for the next poll. While the stream is alive the beat polls the account only every
  X_STREAM_SAFETY_POLL_SECONDS; when it has been silent longer than X_STREAM_FALLBACK_SECONDS the beat
  paces its polls as in poll mode.

Reconnects follow X's guide for its streams (fundamentals/handling-disconnections): at once after an
established connection drops; then linear backoff for network errors, doubling for HTTP errors and a
longer doubling for 429, each capped and jittered. A stream silent for X_STREAM_READ_TIMEOUT (X sends a
keep-alive at least every 20 s) is taken for dead.

requests is used directly: tweepy's StreamingClient builds https://api.twitter.com/2/tweets/<kind>/stream
(the filtered and sample streams) and nothing else, and its BaseStream has these waits without jitter,
sleeping where a test cannot see it.

The process records its connection in the database (stream_state: connected since, last event,
reconnects, the wait before the next attempt, the last error), which the ingest health page, /metrics
and the beat's fallback read from whatever process they run in.

Each delivered post event is billed as a post read ("each delivered Post event ... is billed as a Post"),
put on the ledger here because the stream's one HTTP answer carries many events."""

import json
import logging
import random
import time
from collections import deque
from dataclasses import dataclass, field

import requests
import tweepy
from django.conf import settings
from django.core.cache import cache
from urllib3.exceptions import HTTPError as Urllib3Error

from complaints import reasons
from districts.models import XAccount

from . import accounts, client as xclient, credentials, evidence, ledger, poller, stream_state
from .filing import Filer, record_problems
from .ledger_models import ChargeKind
from .models import AccountState, Source
from .tweets import envelopes_from_response

log = logging.getLogger(__name__)

EVENT_TYPES = ("post.mention.create", "post.reply.create")
TAG = "seva complaint desk"
STREAM_PATH = "/2/activity/stream"
SUBSCRIPTIONS_PATH = "/2/activity/subscriptions"
HOST = "https://api.x.com"
FILER_SECONDS = 300  # the Filer's caches (units, accounts, recent complaints) are rebuilt this often
NETWORK, HTTP, RATE = "network", "http", "rate"


def enabled():
    return settings.X_INGEST_MODE == "stream"


# ------------------------------------------------------------------ liveness, for the beat's fallback

def _alive_key(account_id):
    return f"twitter_ingest:stream-alive:{account_id}"


def touch(account_id):
    cache.set(_alive_key(account_id), time.time(), timeout=None)


def is_live(account_id, now=None):
    """The stream for this account sent something (an event or a keep-alive) within the fallback time.
    The cache is shared in production (Redis); on the embedded default each process has its own, so the
    stream process's row (stream_state, refreshed every few seconds) is read too."""
    seen = max(filter(None, (cache.get(_alive_key(account_id)), stream_state.seen_at(account_id))), default=None)
    return seen is not None and (now or time.time()) - seen < settings.X_STREAM_FALLBACK_SECONDS


def holds_poll(account_id):
    """True when the beat should not poll this account now: stream mode, the stream is alive, and the
    safety poll was made within X_STREAM_SAFETY_POLL_SECONDS."""
    if not enabled() or not is_live(account_id):
        return False
    return not cache.add(f"twitter_ingest:stream-safety-poll:{account_id}", 1,
                         timeout=settings.X_STREAM_SAFETY_POLL_SECONDS)


# ------------------------------------------------------------------ backoff

class Backoff:
    """Waits between failed connection attempts, as X's streaming guide sets them, with jitter and a cap."""

    def __init__(self, rng=None):
        self.rng = rng or random.Random()
        self.failures = {NETWORK: 0, HTTP: 0, RATE: 0}

    def reset(self):
        self.failures = dict.fromkeys(self.failures, 0)

    def next(self, kind):
        self.failures[kind] += 1
        n, base, cap = self.failures[kind], settings.X_STREAM_BACKOFF_SECONDS, settings.X_STREAM_BACKOFF_MAX_SECONDS
        if kind == NETWORK:
            delay, cap = base / 20 * n, cap / 20  # X: +250 ms a try, up to 16 s
        elif kind == RATE:
            start = settings.X_STREAM_RATE_LIMIT_BACKOFF_SECONDS
            delay, cap = start * 2 ** (n - 1), max(cap, start)
        else:
            delay = base * 2 ** (n - 1)  # X: 5 s, doubling, up to 320 s
        return min(min(delay, cap) * self.rng.uniform(0.8, 1.2), cap)


# ------------------------------------------------------------------ talking to X

class Refused(Exception):
    def __init__(self, status, detail):
        self.status = status
        super().__init__(f"{status}: {detail}"[:300])


def _session():
    return xclient.RebasingSession(settings.X_API_BASE_URL, timeout=settings.X_API_TIMEOUT, owner=True)


def _app_auth():
    return {"Authorization": f"Bearer {settings.X_BEARER_TOKEN}"}


def _user_auth():
    """(headers, auth) in the state account's user context: its OAuth 2.0 token, else its OAuth 1.0a tokens."""
    if settings.X_ACTIVITY_USER_TOKEN:
        return {"Authorization": f"Bearer {settings.X_ACTIVITY_USER_TOKEN}"}, None
    handler = tweepy.OAuth1UserHandler(settings.X_API_KEY, settings.X_API_SECRET, settings.X_ACCESS_TOKEN,
                                       settings.X_ACCESS_SECRET)
    return {}, handler.apply_auth()


def _checked(response):
    if response.status_code >= 300:
        try:
            body = response.json()
            detail = body.get("detail") or "; ".join(e.get("detail", "") for e in body.get("errors") or [])
        except ValueError:
            detail = response.text[:200]
        raise Refused(response.status_code, detail or response.reason)
    return response.json()


def ensure_subscriptions(session, user_id):
    """The app's subscriptions for this user's mention and reply events, created when missing; returns
    their ids. The create answer's object is under data.subscription in the OpenAPI and straight under
    data in the quickstart: both are read."""
    listing = _checked(session.get(HOST + SUBSCRIPTIONS_PATH, headers=_app_auth()))
    have = {s.get("event_type"): s.get("subscription_id") for s in listing.get("data") or []
            if isinstance(s, dict) and str((s.get("filter") or {}).get("user_id")) == user_id}
    headers, auth = _user_auth()
    for event_type in EVENT_TYPES:
        if have.get(event_type):
            continue
        body = _checked(session.post(HOST + SUBSCRIPTIONS_PATH, headers=headers, auth=auth, json={
            "event_type": event_type, "filter": {"user_id": user_id}, "tag": TAG}))
        data = body.get("data") or {}
        have[event_type] = (data.get("subscription") or data).get("subscription_id")
    return have


def state_account():
    return XAccount.objects.get(handle__iexact=settings.X_STATE_HANDLE)


def _user_id(account):
    state, _ = AccountState.objects.get_or_create(account=account)
    client, _ = credentials.reader_for(account)
    return str(poller.trusted_user_id(client, account, state, credentials.lookup_auth(account)))


# ------------------------------------------------------------------ filing events

@dataclass
class Stats:
    connects: int = 0
    events: int = 0
    filed: int = 0
    already: int = 0
    catch_up_polls: int = 0
    ignored: int = 0
    delays: deque = field(default_factory=lambda: deque(maxlen=100))  # the waits before reconnecting
    errors: deque = field(default_factory=lambda: deque(maxlen=100))


class Consumer:
    """Files the events of one connection; the Filer is rebuilt now and then so new units and accounts
    are seen."""

    def __init__(self, account, user_id, stats):
        self.account, self.user_id, self.stats = account, user_id, stats
        self.filer, self.built = None, 0.0

    def _filer(self):
        if self.filer is None or time.monotonic() - self.built > FILER_SECONDS:
            self.filer, self.built = Filer(source=Source.STREAM, account=self.account), time.monotonic()
        return self.filer

    def line(self, line):
        """Handle one non-blank line of the stream; raises Refused for an error message (X ends the
        connection after one, e.g. operational-disconnect)."""
        try:
            event = json.loads(line)
        except ValueError as exc:
            record_problems([(reasons.encode(reasons.UNREADABLE, detail=str(exc)[:200]),
                              line.decode("utf-8", "replace")[:200])], f"stream @{self.account.handle}")
            return
        data = event.get("data") if isinstance(event, dict) else None
        if not data and isinstance(event, dict) and event.get("errors"):
            first = event["errors"][0] if isinstance(event["errors"][0], dict) else {}
            raise Refused(0, first.get("title") or first.get("detail") or "stream error")
        if not isinstance(data, dict) or data.get("event_type") not in EVENT_TYPES \
                or str((data.get("filter") or {}).get("user_id")) != self.user_id:
            self.stats.ignored += 1
            return
        self.stats.events += 1
        payload = data.get("payload") if isinstance(data.get("payload"), dict) else {}
        includes = data.get("includes") if isinstance(data.get("includes"), dict) else {}
        envelopes, problems = envelopes_from_response({"data": [payload], "includes": includes})
        exact = evidence.event_payload_bytes(line)
        for env in envelopes:
            env.received = exact
        if payload.get("id"):
            ledger.record(ChargeKind.POST_READ, [payload["id"]])
        accounts.record_mentioned(self.account, envelopes)
        summary = self._filer().file(envelopes, batch_size=None)
        record_problems(problems, f"stream @{self.account.handle}")
        self.stats.filed += summary.filed
        self.stats.already += summary.already


# ------------------------------------------------------------------ the loop

def run(*, until=None, sleep=time.sleep, catch_up=None, rng=None):
    """Stay connected and file events until `until(stats)` is true (checked on every line, keep-alive and
    reconnect; never true when None). `catch_up(account)` is the poll after each (re)connect."""
    until = until or (lambda stats: False)
    catch_up = catch_up or (lambda account: poller.poll_account(account))
    account, stats, backoff, session = state_account(), Stats(), Backoff(rng), _session()
    recorder = stream_state.Recorder(account.pk)
    try:
        while not until(stats):
            delay, response, established, failure = 0.0, None, False, None
            recorder.attempt()
            try:
                user_id = _user_id(account)
                ensure_subscriptions(session, user_id)
                response = session.get(HOST + STREAM_PATH, headers=_app_auth(), stream=True,
                                       timeout=(settings.X_API_TIMEOUT, settings.X_STREAM_READ_TIMEOUT))
                if response.status_code != 200:
                    _checked(response)
                stats.connects += 1
                touch(account.pk)
                recorder.connected()
                # The stream is open, so what arrives from now on waits in it; the poll reads what came before.
                catch_up(account)
                stats.catch_up_polls += 1
                consumer = Consumer(account, user_id, stats)
                for line in response.iter_lines():
                    touch(account.pk)
                    if not established:
                        established = True
                        backoff.reset()
                    events = stats.events
                    if line.strip():
                        consumer.line(line.strip())
                    recorder.line(stats.events > events)
                    if until(stats):
                        break
                # X closed the connection: reconnect at once.
            except Refused as exc:
                failure = exc
                stats.errors.append(str(exc))
                if established and exc.status == 0:
                    pass  # an error message on an established stream: reconnect at once
                else:
                    delay = backoff.next(RATE if exc.status == 429 else HTTP)
            except (requests.RequestException, Urllib3Error, tweepy.TweepyException, OSError) as exc:
                failure = exc
                stats.errors.append(f"{type(exc).__name__}: {exc}"[:300])
                delay = 0.0 if established else backoff.next(NETWORK)
            finally:
                if response is not None:
                    response.close()
            recorder.disconnected(failure, delay)
            if stats.errors and delay:
                log.warning("activity stream: %s; reconnecting in %.1f s", stats.errors[-1], delay)
            if delay and not until(stats):
                stats.delays.append(delay)
                sleep(delay)
    except BaseException:
        recorder.disconnected()  # stopped (Ctrl-C, or SIGTERM in stream_mentions): not connected any more
        raise
    return stats
