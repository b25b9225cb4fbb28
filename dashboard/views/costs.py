"""HQ's page of the X bill: the month's spend by kind, the cost per complaint handled end to end, the
forecast and the budget. Read through dashboard.ingest_bridge (the ledger is the ingest side's)."""

from datetime import timezone as dt_timezone

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import ingest_bridge, roles
from .common import staff_required

KIND_LABELS = {
    "owned_read": lambda: _("Owned reads (our own mentions and posts)"),
    "post_read": lambda: _("Post reads"),
    "user_read": lambda: _("User reads"),
    "post": lambda: _("Posts"),
    "post_with_url": lambda: _("Posts with a URL"),
    "summoned_reply": lambda: _("Summoned replies"),
}


def _month(value):
    """The month asked for as its first day (this UTC month when not given or not a YYYY-MM), and an error."""
    today = timezone.now().astimezone(dt_timezone.utc).date().replace(day=1)
    if not value:
        return today, ""
    try:
        year, month = (int(part) for part in value.split("-"))
        return today.replace(year=year, month=month), ""
    except (TypeError, ValueError):
        return today, _("Give the month as YYYY-MM, e.g. 2026-12.")


@staff_required(roles.is_hq)
def x_bill(request):
    month, error = _month(request.GET.get("month", ""))
    bill = ingest_bridge.x_bill(month)
    rows = []
    if bill is not None:
        rows = [{"label": KIND_LABELS.get(kind, lambda: kind)(), **row} for kind, row in bill["by_kind"].items()]
    return render(request, "dashboard/x_bill.html", {
        "available": bill is not None, "bill": bill, "rows": rows, "error": error, "month": month,
    })
