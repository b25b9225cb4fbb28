"""The figures behind the league page and its exports: complaints.stats.league_table for the scope, and
the per-day/class/unit counts for the charts. Both are kept in the cache for
settings.DASHBOARD_LEAGUE_CACHE_SECONDS per scope and period; a beat task recomputes HQ's default view
(the last 30 days) before it expires, so the page HQ opens most is always ready."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from complaints import scoping, stats
from complaints.models import Complaint
from districts.models import Unit

from . import roles

DEFAULT_DAYS = 30


def default_period():
    today = timezone.localdate()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def counts(queryset, start, end):
    """Complaints received per (IST day, category, unit) in the period, in one grouped query."""
    lo, hi = stats.period_bounds(start, end)
    qs = queryset.filter(received_at__gte=lo, received_at__lt=hi).order_by()
    return list(qs.annotate(day=TruncDate("received_at", tzinfo=timezone.get_default_timezone()))
                .values_list("day", "category_id", "unit_id").annotate(n=Count("id")))


def _key(scope, start, end):
    return f"dashboard:league:{scope}:{start}:{end}"


def _compute(queryset, units, start, end):
    return {"table": stats.league_table(start, end, units=units), "counts": counts(queryset, start, end)}


def for_user(user, start, end):
    """HQ: every unit; a supervisor: the units below (scoping decides which complaints count)."""
    if roles.is_hq(user):
        scope, units = "hq", None
    else:
        profile = roles.profile(user)
        scope, units = f"unit{profile.unit_id}", list(Unit.objects.filter(pk__in=profile.unit.descendant_ids()))
    key = _key(scope, start, end)
    data = cache.get(key)
    if data is None:
        data = _compute(scoping.visible_complaints(user), units, start, end)
        cache.set(key, data, settings.DASHBOARD_LEAGUE_CACHE_SECONDS)
    return data


def warm_hq_default():
    """Recompute HQ's default view (all units, last 30 days) and keep it."""
    start, end = default_period()
    data = _compute(Complaint.objects.all(), None, start, end)
    cache.set(_key("hq", start, end), data, settings.DASHBOARD_LEAGUE_CACHE_SECONDS)
    return len(data["table"])
