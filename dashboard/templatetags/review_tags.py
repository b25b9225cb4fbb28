"""The weekly review's cards: the honour roll and report links on the league page, and the spikes and
the day's top hashtags and terms on HQ's home page (the inbox)."""

from datetime import timedelta

from django import template
from django.utils import timezone

from districts.models import UnitType

from .. import honour_roll, review_report, roles, spikes
from ..review_models import WeeklyReport

register = template.Library()


@register.inclusion_tag("dashboard/_review_league.html", takes_context=True)
def review_card(context):
    """Two queries: the last ended month's decided honour roll and the scope's filed reports. Nothing is
    decided or drawn here (the beat does that, or the report when it is asked for)."""
    request = context["request"]
    month = honour_roll.last_ended_month()
    if roles.is_hq(request.user):
        filed = WeeklyReport.objects.filter(scope__unit_type=UnitType.STATE)
    else:
        filed = WeeklyReport.objects.filter(scope_id=roles.profile(request.user).unit_id)
    last = review_report.last_week()
    return {
        "request": request, "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
        "honour_month": month, "rolls": honour_roll.for_month(month),
        "last_week": review_report.week_label(last),
        "this_week": review_report.week_label(last + timedelta(days=7)),
        "filed": [(review_report.week_label(week), language, at) for week, language, at in
                  filed.order_by("-week_start", "language").values_list("week_start", "language", "filed_at")[:8]],
    }


@register.inclusion_tag("dashboard/_spikes_banner.html", takes_context=True)
def spikes_banner(context):
    request = context["request"]
    if not roles.is_hq(request.user):
        return {"show": False}
    data = spikes.cached_recent()
    return {
        "show": True, "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
        "spikes": [{**s, "hour": timezone.localtime(s["hour"])} for s in data["spikes"][:10]],
        "more": max(0, len(data["spikes"]) - 10), "trending": data["trending"], "at": data["at"],
        "least": spikes.min_count(), "factor": f"{spikes.factor():g}",
    }
