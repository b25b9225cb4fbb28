"""The figures behind the league page and its exports: complaints.stats.league for the scope (the table,
and the volumes per day, class and unit for the charts, both from the daily tallies). They are kept in
the cache for settings.DASHBOARD_LEAGUE_CACHE_SECONDS per scope and period; a beat task recounts
the days marked meanwhile and recomputes HQ's default view (the last 30 days) before it expires, so the
page HQ opens most is always ready."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from complaints import stats, tally
from districts.models import Unit

from . import roles

DEFAULT_DAYS = 30


def default_period():
    today = timezone.localdate()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def _key(scope, start, end):
    return f"dashboard:league:{scope}:{start}:{end}"


def for_user(user, start, end):
    """HQ: every unit; a supervisor: the units below. Only counts leave here, so restricted complaints are
    counted like the rest (nothing of their content is shown)."""
    if roles.is_hq(user):
        scope, units = "hq", None
    else:
        profile = roles.profile(user)
        scope, units = f"unit{profile.unit_id}", list(Unit.objects.filter(pk__in=profile.unit.descendant_ids()))
    key = _key(scope, start, end)
    data = cache.get(key)
    if data is None:
        data = stats.league(start, end, units, volumes=True)
        cache.set(key, data, settings.DASHBOARD_LEAGUE_CACHE_SECONDS)
    return data


def warm_hq_default():
    """Recount every day marked since the last run, then recompute HQ's default view (all units, last 30
    days) and keep it."""
    tally.refresh()
    start, end = default_period()
    data = stats.league(start, end, None, volumes=True)
    cache.set(_key("hq", start, end), data, settings.DASHBOARD_LEAGUE_CACHE_SECONDS)
    return len(data["table"])
