"""The league table of units for a period, with server-drawn charts, and its exports. The figures come
from complaints.stats.league_table (shared with the API); this page only chooses units and draws."""

from datetime import timedelta

from django.shortcuts import render
from django.utils.translation import gettext as _

from complaints import dates
from complaints.models import Category
from districts.models import Unit

from .. import charts, exports, league_data, roles
from ..forms import PeriodForm
from .common import staff_required


def _period(request):
    start, end = league_data.default_period()
    default = {"start": start, "end": end}
    form = PeriodForm(request.GET or None, initial=default)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, default["start"], default["end"]


def _charts(request, start, end, volumes):
    hindi = (request.LANGUAGE_CODE or "").startswith("hi")
    per_day, per_category, per_unit = volumes["per_day"], volumes["per_category"], volumes["per_unit"]
    names = {c.pk: c for c in Category.objects.filter(pk__in=[k for k in per_category if k])}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[k for k in per_unit if k])}

    def name(obj, missing):
        if obj is None:
            return missing
        return obj.name_hi if hindi and obj.name_hi else obj.name_en

    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    volume = [(dates.day(d), per_day.get(d, 0)) for d in days]
    by_category = sorted(((name(names.get(k), _("Unclassified")), n) for k, n in per_category.items()),
                         key=lambda item: -item[1])
    by_unit = sorted(((name(units.get(k), _("Not routed")), n) for k, n in per_unit.items()),
                     key=lambda item: -item[1])[:20]
    return {
        "volume": charts.line(volume, _("Complaints received per day")),
        "by_category": charts.hbars(by_category, _("Complaints by category")),
        "by_unit": charts.hbars(by_unit, _("Complaints by unit (top 20)")),
    }


@staff_required(roles.is_hq, roles.is_supervisor)
def league(request):
    form, start, end = _period(request)
    data = league_data.for_user(request.user, start, end)
    return render(request, "dashboard/league.html", {
        "form": form, "start": start, "end": end, "table": data["table"],
        **_charts(request, start, end, data["volumes"]),
        "query": request.GET.urlencode(),
    })


@staff_required(roles.is_hq, roles.is_supervisor)
def league_export(request, fmt):
    _form, start, end = _period(request)
    table = league_data.for_user(request.user, start, end)["table"]
    name = f"league-{start:%Y%m%d}-{end:%Y%m%d}"
    rows = exports.league_rows(table)
    if fmt == "xlsx":
        return exports.xlsx_response(rows, name, title="league")
    return exports.csv_response(rows, name)
