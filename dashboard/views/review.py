"""The weekly review report and the honour roll's export, for HQ (the state) and supervisors (the units
below them). The logic is in dashboard.review_report and dashboard.honour_roll."""

from datetime import date

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from districts.models import UnitType

from .. import exports, honour_roll, review_report, roles
from .common import staff_required


@staff_required(roles.is_hq, roles.is_supervisor)
def weekly_pdf(request, week, language):
    try:
        monday = review_report.parse_week(week)
    except ValueError:
        raise Http404 from None
    scope = review_report.scope_of(request.user)
    if monday > timezone.localdate():
        raise Http404
    try:
        pdf = bytes(review_report.file(monday, language, scope, by=request.user.get_username()).pdf)
    except ValueError:  # the week is still running: drawn, marked provisional, not filed
        pdf = review_report.build(monday, language, scope)
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = "" if scope.unit_type == UnitType.STATE else f"-{scope.slug}"
    response["Content-Disposition"] = f'attachment; filename="weekly-review-{week}{suffix}-{language}.pdf"'
    return response


@staff_required(roles.is_hq, roles.is_supervisor)
def weekly_pick(request):
    """The league page's week picker (an <input type=week> gives 2026-W48)."""
    week, language = request.GET.get("week", ""), request.GET.get("language", "en")
    try:
        monday = review_report.parse_week(week)
    except ValueError:
        raise Http404 from None
    return redirect("dashboard:weekly_review", review_report.week_label(monday), "hi" if language == "hi" else "en")


@staff_required(roles.is_hq, roles.is_supervisor)
def honour_roll_export(request, fmt):
    month = request.GET.get("month", "")
    try:
        first = date.fromisoformat(month + "-01") if month else honour_roll.last_ended_month()
        rolls = honour_roll.decide(first)
    except ValueError:
        raise Http404 from None
    rows = honour_roll.rows(rolls, hindi=(request.LANGUAGE_CODE or "").startswith("hi"))
    name = f"honour-roll-{first:%Y-%m}"
    if fmt == "xlsx":
        return exports.xlsx_response(rows, name, title="honour roll")
    return exports.csv_response(rows, name)
