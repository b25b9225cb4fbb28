"""Finding the mentions that were deleted on X.

X does not tell anyone that a tweet was deleted; a lookup of its id (GET /2/tweets?ids=, 100 ids a
request) answers with an errors[] entry "Could not find tweet" instead of the tweet. A beat task looks
up the tweets of complaints (the complaint's own tweet and the tweets of its thread) posted within the
last X_DELETION_WINDOW_HOURS, the least recently checked first, at most X_DELETION_MAX_LOOKUPS requests a
run. Each lookup of a tweet that is still there is a post read X bills (see the README), which is why
the window and the interval are settings.

A tweet found missing is marked on its Mention (`deleted_on_x_at`, once: the update is conditional, so
two sweeps cannot record it twice) and the complaint gets a `deleted_on_x` event, in one transaction.
Nothing is removed: the mention's raw JSON, its bytes as received and their hash stay as evidence. The
time recorded is when the lookup found it gone; it was still there at the previous lookup (or at filing).

A 429 ends the run and nothing is looked up again before X's reset; other errors end the run too (the
next run starts again with the least recently checked)."""

import logging
from datetime import datetime, timedelta, timezone as dt_timezone

import requests
import tweepy
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from complaints import lifecycle, reasons
from complaints.models import OPEN_STATUSES
from districts.models import XAccount

from . import client as xclient
from .models import AccountState, Mention

log = logging.getLogger(__name__)

BATCH = 100  # X's limit of ids per lookup
LOCK_KEY = "twitter_ingest:deletion-sweep:lock"
WAIT_KEY = "twitter_ingest:deletion-sweep:rate-limited-until"
LOOKUP = lifecycle.Actor(name="X lookup")


def _not_found(error):
    return (str(error.get("type", "")).endswith("/resource-not-found")
            and error.get("resource_type", "tweet") == "tweet")


def due(now=None, counts=None):
    """The mentions to look up now, least recently checked first: those of open complaints, posted within
    the window, not written by a police account (the desk's own or a unit's), and not seen on X within
    X_DELETION_RECHECK_HOURS (a poll or a lookup that read it then saw it there). Each lookup of a tweet
    still there is a post read; what is left out is counted in `counts`."""
    now = now or timezone.now()
    since = now - timedelta(hours=settings.X_DELETION_WINDOW_HOURS)
    seen_since = now - timedelta(hours=settings.X_DELETION_RECHECK_HOURS)
    recent = Mention.objects.filter(complaint__isnull=False, deleted_on_x_at__isnull=True, tweeted_at__gte=since)
    police = _police_ids()
    open_ = recent.filter(complaint__status__in=OPEN_STATUSES)
    citizens = open_.exclude(author_id__in=police)
    unseen = citizens.filter(Q(checked_on_x_at__lt=seen_since) | Q(checked_on_x_at__isnull=True,
                                                                   received_at__lt=seen_since))
    if counts is not None:
        total, in_open, by_citizens = recent.count(), open_.count(), citizens.count()
        counts.update(skipped_closed=total - in_open, skipped_police=in_open - by_citizens,
                      skipped_seen_recently=by_citizens - unseen.count())
    return (unseen.order_by(F("checked_on_x_at").asc(nulls_first=True), "pk")
            .values_list("pk", "tweet_id")[:BATCH * settings.X_DELETION_MAX_LOOKUPS])


def _police_ids():
    """X user ids of the accounts on file (the state's, the units'): their tweets are the police's own."""
    ids = set(XAccount.objects.exclude(user_id="").values_list("user_id", flat=True))
    ids |= set(AccountState.objects.exclude(user_id="").values_list("user_id", flat=True))
    return ids


def sweep(*, client=None):
    """Look up recent mentions' ids on X and record the deleted ones. Returns a summary dict."""
    result = {"looked_up": 0, "requests": 0, "deleted": 0, "error": "", "skipped": "", "skipped_closed": 0,
              "skipped_police": 0, "skipped_seen_recently": 0}
    if not xclient.can_read():
        result["skipped"] = "no X credentials"
        return result
    waiting = cache.get(WAIT_KEY)
    if waiting and waiting > timezone.now():
        result["skipped"] = f"rate-limited until {waiting:%H:%M:%S} UTC"
        return result
    if not cache.add(LOCK_KEY, 1, timeout=settings.X_POLL_LOCK_SECONDS):
        result["skipped"] = "another sweep is running"
        return result
    try:
        rows = list(due(counts=result))
        client = client or xclient.make_client()
        for start in range(0, len(rows), BATCH):
            ids = [tweet_id for _, tweet_id in rows[start:start + BATCH]]
            try:
                response = client.get_tweets(ids, tweet_fields=["id"], user_auth=not settings.X_BEARER_TOKEN)
                body = response.json()
            except tweepy.TooManyRequests as exc:
                until = (datetime.fromtimestamp(exc.reset_time, tz=dt_timezone.utc) if exc.reset_time
                         else timezone.now() + timedelta(minutes=15))
                cache.set(WAIT_KEY, until, timeout=max(1, int((until - timezone.now()).total_seconds()) + 1))
                result["error"] = f"429 rate limited until {until:%H:%M:%S} UTC"
                break
            except (tweepy.HTTPException, requests.RequestException, ValueError) as exc:
                result["error"] = f"{type(exc).__name__}: {exc}"[:300]
                break
            result["requests"] += 1
            result["looked_up"] += len(ids)
            result["deleted"] += _record(ids, body)
    finally:
        cache.delete(LOCK_KEY)
    if result["error"]:
        log.warning("deletion sweep stopped: %s", result["error"])
    return result


def _record(ids, body):
    """Mark what one lookup answered: every id asked is checked now; those X could not find are deleted."""
    now = timezone.now()
    gone = {str(e.get("resource_id") or e.get("value")) for e in body.get("errors") or []
            if isinstance(e, dict) and _not_found(e)} & set(ids)
    deleted = 0
    with transaction.atomic():
        for mention in Mention.objects.filter(tweet_id__in=gone, deleted_on_x_at__isnull=True).select_related(
                "complaint").order_by("pk"):
            last_seen = mention.checked_on_x_at or mention.received_at
            if not Mention.objects.filter(pk=mention.pk, deleted_on_x_at__isnull=True).update(
                    deleted_on_x_at=now, checked_on_x_at=now):
                continue
            complaint = mention.complaint
            own = complaint.source_tweet_id == mention.tweet_id
            lifecycle.record(
                complaint, "deleted_on_x", actor=LOOKUP,
                note=reasons.encode(reasons.DELETED_ON_X_OWN if own else reasons.DELETED_ON_X_THREAD,
                                    tweet=mention.tweet_id, found_at=now.isoformat(),
                                    last_seen_at=last_seen.isoformat()),
                data={"tweet_id": mention.tweet_id, "found_at": now.isoformat(), "last_seen_at": last_seen.isoformat(),
                      "own_tweet": own})
            deleted += 1
        Mention.objects.filter(tweet_id__in=set(ids) - gone).update(checked_on_x_at=now)
    return deleted
