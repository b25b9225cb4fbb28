"""Running the watches: X's recent search (tweepy's search_recent_tweets, through the same client and
the poller's retry and rate-limit handling), within each watch's monthly cap of posts read.

A run pages every compiled query from the watch's since_id, files what it found and moves the checkpoint
to the newest id in one transaction; a run cut short (a rate limit, the cap) files what it read and keeps
the checkpoint. The first run reaches back X_WATCH_FIRST_LOOKBACK_MINUTES only (a 7-day backfill is
billed like any read), and a checkpoint older than X's 7-day window is replaced by a start time.

Every post X returns is billed, so each page is counted (count_reads, the one place reads are counted)
before anything else happens with it; before each request the watch's remaining monthly allowance sets
max_results (10..100), and a watch with fewer than 10 reads left stops with a notice instead of asking.
No author expansion is asked for: a user object is a billed read at twice a post's price.

Filing is exactly once per post: WatchFind's tweet id is unique, each find is inserted in its own
savepoint, and a second run (or another watch) inserting the same post waits on the unique index and
then skips it. A post already filed from the mentions (someone tagged the police) is left to the inbox."""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone as dt_timezone

import tweepy
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from complaints import reasons
from complaints.triage.judge import Kind, judge
from complaints.triage import fields as triage_fields

from . import client as xclient, watch_query
from .models import FindStatus, Mention, Watch, WatchFind, WatchReads
from .poller import Transient, _call, _describe

log = logging.getLogger(__name__)

TWEET_FIELDS = ["created_at", "author_id", "conversation_id", "lang", "referenced_tweets", "in_reply_to_user_id",
                "entities"]
MIN_RESULTS, MAX_RESULTS = 10, 100   # X's bounds for max_results on recent search
SEARCH_WINDOW = timedelta(days=7)
EPOCH_MS = 1288834974657
STOPPED_CAP = "cap"
QUEUED_KINDS = {Kind.COMPLAINT, Kind.FOLLOW_UP}


@dataclass
class RunResult:
    watch_id: int
    skipped: str = ""
    queries: int = 0
    requests: int = 0
    read: int = 0
    found: int = 0
    queued: int = 0
    already: int = 0
    in_inbox: int = 0
    stopped: str = ""
    error: str = ""
    retry_at: datetime | None = None
    tweet_ids: list = field(default_factory=list)


# ---------------------------------------------------------------- reads and the cap

def month_of(at=None):
    return (at or timezone.now()).astimezone(dt_timezone.utc).date().replace(day=1)


def count_reads(watch, posts, *, requests=1, at=None):
    """Count posts X returned to a watch, against its monthly cap. The bill itself (ledger.py) is kept by
    the client's session for every call to X, these reads included, so they are not put on it here."""
    month = month_of(at)
    row, _ = WatchReads.objects.get_or_create(watch_id=watch.pk, month=month)
    WatchReads.objects.filter(pk=row.pk).update(posts=F("posts") + int(posts), requests=F("requests") + requests)


def reads_this_month(watch, at=None):
    return WatchReads.objects.filter(watch_id=watch.pk, month=month_of(at)).aggregate(n=Sum("posts"))["n"] or 0


def cap_of(watch):
    return watch.monthly_cap or settings.X_WATCH_DEFAULT_MONTHLY_CAP


def cost_usd(posts):
    return round(posts * settings.X_POST_READ_USD, 3)


# ---------------------------------------------------------------- running

def lock_key(watch_id):
    return f"twitter_ingest:watch-lock:{watch_id}"


def snowflake_time(tweet_id):
    try:
        return datetime.fromtimestamp(((int(tweet_id) >> 22) + EPOCH_MS) / 1000, tz=dt_timezone.utc)
    except (TypeError, ValueError):
        return None


def run_watch(watch, *, client=None, lock=True):
    """Run one watch once. `lock=False` only for tests that run two at once on purpose."""
    if not isinstance(watch, Watch):
        watch = Watch.objects.get(pk=watch)
    if not lock:
        return _run(watch, client)
    key, token = lock_key(watch.pk), uuid.uuid4().hex
    if not cache.add(key, token, timeout=settings.X_POLL_LOCK_SECONDS):
        return RunResult(watch.pk, skipped="another run holds the lock")
    try:
        return _run(watch, client)
    finally:
        if cache.get(key) == token:
            cache.delete(key)


def _run(watch, client):
    result, now = RunResult(watch.pk), timezone.now()
    if not watch.is_active:
        result.skipped = "inactive"
        return result
    if watch.stopped_reason == STOPPED_CAP and watch.stopped_at and month_of(watch.stopped_at) < month_of(now):
        _save(watch, stopped_reason="", stopped_at=None)  # a new month: the cap starts again
    if watch.stopped_reason:
        result.skipped = f"stopped: {watch.stopped_reason}"
        return result
    if watch.rate_limited_until and watch.rate_limited_until > now:
        result.skipped, result.retry_at = "rate-limited", watch.rate_limited_until
        return result
    try:
        compiled = watch_query.compile_for(watch)
    except watch_query.QueryError as exc:
        _save(watch, stopped_reason=f"query: {exc}"[:300], stopped_at=now, last_run_at=now)
        result.stopped = watch.stopped_reason
        return result
    if not xclient.can_read():
        _save(watch, last_error=reasons.encode(reasons.NO_CREDENTIALS), last_run_at=now)
        result.error = watch.last_error
        return result
    client = client or xclient.make_client()
    params = dict(tweet_fields=TWEET_FIELDS, user_auth=not settings.X_BEARER_TOKEN)
    since_time = snowflake_time(watch.since_id) if watch.since_id else None
    if since_time and since_time > now - SEARCH_WINDOW + timedelta(minutes=10):
        params["since_id"] = watch.since_id
    elif since_time:
        params["start_time"] = now - SEARCH_WINDOW + timedelta(minutes=10)
    else:
        params["start_time"] = now - timedelta(minutes=settings.X_WATCH_FIRST_LOOKBACK_MINUTES)
    tweets, newest, complete, cap = {}, 0, False, cap_of(watch)
    try:
        for query in compiled.queries:
            result.queries += 1
            token = None
            while True:
                left = cap - reads_this_month(watch)
                if left < MIN_RESULTS:
                    raise _CapReached()
                response = _call(client.search_recent_tweets, query, next_token=token,
                                 max_results=min(MAX_RESULTS, left), **params)
                body = response.json()
                page = body.get("data") or []
                count_reads(watch, len(page))
                result.requests += 1
                result.read += len(page)
                for tweet in page:
                    tweets.setdefault(str(tweet["id"]), tweet)
                meta = body.get("meta") or {}
                if meta.get("newest_id"):
                    newest = max(newest, int(meta["newest_id"]))
                token = meta.get("next_token")
                if not token:
                    break
        complete = True
    except _CapReached:
        watch.stopped_reason, watch.stopped_at = STOPPED_CAP, now
        result.stopped = STOPPED_CAP
    except tweepy.TooManyRequests as exc:
        watch.rate_limited_until = (datetime.fromtimestamp(exc.reset_time, tz=dt_timezone.utc) if exc.reset_time
                                    else now + timedelta(minutes=15))
        result.retry_at = watch.rate_limited_until
        result.error = reasons.encode(reasons.RATE_LIMITED, until=f"{watch.rate_limited_until:%H:%M:%S}")
    except (tweepy.BadRequest, tweepy.Unauthorized, tweepy.Forbidden) as exc:
        watch.stopped_reason, watch.stopped_at = f"x: {_describe(exc)}"[:300], now
        result.stopped = watch.stopped_reason
    except tweepy.HTTPException as exc:
        if exc.response is not None and exc.response.status_code == 402:
            watch.stopped_reason, watch.stopped_at = f"x: {_describe(exc)}"[:300], now
            result.stopped = watch.stopped_reason
        else:
            result.error = reasons.encode(reasons.X_ERROR, detail=_describe(exc))
    except (Transient, ValueError) as exc:
        result.error = reasons.encode(reasons.PASSING_FAULT, detail=str(exc))
    checkpoint = str(newest) if complete and newest else ""
    file_finds(watch, list(tweets.values()), result, checkpoint=checkpoint)
    if complete:
        watch.rate_limited_until = None
    _save(watch, stopped_reason=watch.stopped_reason, stopped_at=watch.stopped_at,
          rate_limited_until=watch.rate_limited_until, last_run_at=now, last_error=result.error[:500])
    return result


class _CapReached(Exception):
    pass


def _save(watch, **values):
    for key, value in values.items():
        setattr(watch, key, value)
    Watch.objects.filter(pk=watch.pk).update(**values)


# ---------------------------------------------------------------- filing

def file_finds(watch, tweets, result=None, *, checkpoint=""):
    """File the posts a watch found, oldest first, and move its checkpoint, in one transaction."""
    result = result or RunResult(watch.pk)
    tweets = sorted(tweets, key=lambda t: int(t["id"]))
    ids = [str(t["id"]) for t in tweets]
    with transaction.atomic():
        in_inbox = set(Mention.objects.filter(tweet_id__in=ids).values_list("tweet_id", flat=True))
        for tweet in tweets:
            tweet_id = str(tweet["id"])
            if tweet_id in in_inbox:
                result.in_inbox += 1
                continue
            find = _find_of(watch, tweet)
            try:
                with transaction.atomic():
                    find.save(force_insert=True)
            except IntegrityError:
                result.already += 1
                continue
            result.found += 1
            result.tweet_ids.append(tweet_id)
            if find.status == FindStatus.OPEN:
                result.queued += 1
        if checkpoint:
            current = Watch.objects.select_for_update().filter(pk=watch.pk).values_list("since_id", flat=True).first()
            if not current or int(checkpoint) > int(current):
                Watch.objects.filter(pk=watch.pk).update(since_id=checkpoint)
                watch.since_id = checkpoint
    return result


def _find_of(watch, tweet):
    text = tweet.get("text") or ""
    lang = str(tweet.get("lang") or "")
    reading = judge(text, lang_tag=lang or None)
    fields = triage_fields.complaint_fields(reading, x_lang=lang)
    kind = reading.kind.value
    created = tweet.get("created_at")
    find = WatchFind(
        tweet_id=str(tweet["id"]), watch=watch, unit_id=watch.unit_id, text=text,
        author_id=str(tweet.get("author_id") or "")[:20], lang=lang[:10],
        tweeted_at=_parse_time(created) if created else None, raw=tweet,
        matched_terms=watch_query.found_in(watch.incident_terms, text),
        matched_places=watch_query.found_in(watch.place_terms, text),
        kind=kind, is_urgent=bool(reading.urgent.value), is_sensitive=bool(reading.sensitive.value),
        station_id=fields.get("suggested_station_id"), triage=fields["triage"],
    )
    if kind not in QUEUED_KINDS:
        # Kept for the volumes (monitoring), not put before the cell: thanks, greetings, noise.
        find.status, find.reason = FindStatus.DISMISSED, reasons.encode(reasons.NOT_AN_INCIDENT, kind=kind)
    return find


def _parse_time(value):
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def active_watches():
    return Watch.objects.filter(is_active=True).order_by("pk")


def run_all():
    return [run_watch(w) for w in active_watches()]


DEMO_TERMS = ["गोली चली", "goli chali", "firing", "फायरिंग", "chain snatching", "चेन स्नैचिंग", "लूट", "loot"]


def ensure_demo_watches():
    """The demo's watches (Lucknow and Meerut), made once: the units' place names and a few incident words."""
    from districts.models import Unit

    made = []
    for slug in ("lucknow-commissionerate", "meerut"):
        unit = Unit.objects.filter(slug=slug).first()
        if unit is None or Watch.objects.filter(unit=unit).exists():
            continue
        made.append(Watch.objects.create(
            unit=unit, name=f"Incidents in {unit.name_en}", place_terms=watch_query.default_places(unit),
            incident_terms=DEMO_TERMS, exclude_terms=["cricket"], monthly_cap=settings.X_WATCH_DEFAULT_MONTHLY_CAP))
    return made
