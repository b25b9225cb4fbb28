"""Spikes in volume (circular §4: watch the volume of mentions): complaints received per unit per IST
hour, against the same hour of the week in the previous four weeks.

The rule, kept simple so that a reader can check it by hand: an hour is a spike for a unit when the unit
received at least SPIKE_MIN_COUNT complaints in it and at least SPIKE_FACTOR times the average of the same
hour of the week over the previous four weeks (an average below 1 counts as 1). Complaints count for the
unit they are with now, as in the league table; those not yet routed count as HQ's (unit None).

HQ's home page reads the last day's spikes from the cache, which a beat task keeps filled
(warm_recent): no query; the page computes them itself (two queries) only when the cache is empty."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from complaints.models import Complaint

WEEKS_BACK = 4
RECENT_KEY = "dashboard:spikes:recent"


def min_count():
    return getattr(settings, "SPIKE_MIN_COUNT", 5)


def factor():
    return getattr(settings, "SPIKE_FACTOR", 3.0)


def hour_start(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(minute=0, second=0, microsecond=0)


def hourly_counts(windows, names=None) -> dict:
    """{(unit_id, IST hour): complaints received} over the given [start, end) windows, in one query;
    `names`, a dict, is filled with each unit's (English, Hindi) name from the same query."""
    where = Q()
    for start, end in windows:
        where |= Q(received_at__gte=start, received_at__lt=end)
    rows = (Complaint.objects.filter(where).order_by()
            .annotate(hour=TruncHour("received_at", tzinfo=timezone.get_current_timezone()))
            .values("unit_id", "unit__name_en", "unit__name_hi", "hour").annotate(n=Count("id"))
            .values_list("unit_id", "unit__name_en", "unit__name_hi", "hour", "n"))
    counts = {}
    for unit_id, name_en, name_hi, hour, n in rows:
        counts[(unit_id, timezone.localtime(hour))] = n
        if names is not None:
            names[unit_id] = (name_en, name_hi)
    return counts


def find(start: datetime, end: datetime, unit_ids=None) -> list[dict]:
    """The spikes in [start, end) (whole IST hours), newest first; unit_ids limits them to some units."""
    start, end = hour_start(start), hour_start(end)
    week = timedelta(weeks=1)
    names = {}
    counts = hourly_counts([(start - k * week, end - k * week) for k in range(WEEKS_BACK + 1)], names)
    allowed = set(unit_ids) if unit_ids is not None else None
    found = []
    for (unit_id, hour), n in counts.items():
        if not (start <= hour < end) or n < min_count() or (allowed is not None and unit_id not in allowed):
            continue
        before = [counts.get((unit_id, hour - k * week), 0) for k in range(1, WEEKS_BACK + 1)]
        average = sum(before) / WEEKS_BACK
        if n >= factor() * max(average, 1.0):
            found.append({"unit_id": unit_id, "unit_name_en": names[unit_id][0], "unit_name_hi": names[unit_id][1],
                          "hour": hour, "count": n, "before": before,
                          "average": round(average, 1), "ratio": round(n / max(average, 1.0), 1)})
    found.sort(key=lambda s: (s["hour"], s["count"]), reverse=True)
    return found


def recent(now=None, hours=24) -> list[dict]:
    """Spikes in the last `hours` hours, the current hour included."""
    now = now or timezone.now()
    end = hour_start(now) + timedelta(hours=1)
    return find(end - timedelta(hours=hours), end)


def warm_recent():
    """Recompute the last day's spikes and the day's top hashtags and terms for HQ's home page."""
    from . import trending

    data = {"spikes": recent(), "trending": trending.today(), "at": timezone.now()}
    cache.set(RECENT_KEY, data, getattr(settings, "SPIKES_CACHE_SECONDS", 900))
    return data


def cached_recent():
    return cache.get(RECENT_KEY) or warm_recent()
