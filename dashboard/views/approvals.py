"""Station reports that wait for the unit's supervising officer (001 §6, issue #12 item 8): the officer's
queue with approve and return on each, the reports returned to the cells, and HQ's per-unit switch."""

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from complaints.models import Event, Status
from districts.models import Unit, UnitType

from .. import roles
from .common import staff_required, visible

PAGE = 100
# Units a complaint can be forwarded to and whose reports an SP could approve.
APPROVING_TYPES = (UnitType.DISTRICT, UnitType.COMMISSIONERATE, UnitType.TRAFFIC, UnitType.OVERSEAS,
                   UnitType.SPECIAL)


def _with_submission(qs):
    latest = Event.objects.filter(complaint=OuterRef("pk"), action="submit_report").order_by("-created_at", "-id")
    return qs.annotate(submitted_at=Subquery(latest.values("created_at")[:1]),
                       submitted_by=Subquery(latest.values("actor_name")[:1]))


@staff_required(roles.is_approver, roles.is_hq)
def approvals(request):
    """Reports waiting for approval, longest waiting first; approve or return each in place (the forms
    post to the complaint's own action, which the lifecycle checks again). HQ sees the queue read-only."""
    seen = visible(request).select_related("unit", "police_station")
    waiting = list(_with_submission(seen.filter(status=Status.AWAITING_APPROVAL))
                   .order_by("submitted_at", "id")[:PAGE])
    returned = list(seen.filter(status=Status.IN_PROGRESS).exclude(report_return_reason="")
                    .order_by("-updated_at")[:PAGE])
    return render(request, "dashboard/approvals.html", {
        "waiting": waiting, "returned": returned, "can_act": roles.is_approver(request.user),
    })


@staff_required(roles.is_hq)
def unit_settings(request):
    """HQ switches, unit by unit, whether station reports wait for the supervising officer."""
    units = Unit.objects.active().filter(unit_type__in=APPROVING_TYPES).order_by("unit_type", "name_en")
    if request.method == "POST":
        return _switch(request, units)
    return render(request, "dashboard/approval_units.html", {"units": units})


def _switch(request, units):
    unit = units.filter(slug=request.POST.get("unit", "")).first()
    value = request.POST.get("reports_need_approval")
    if unit is None or value not in ("on", "off"):
        messages.error(request, _("Nothing was changed: choose a unit and whether its reports need approval."))
        return redirect("dashboard:approval_units")
    unit.reports_need_approval = value == "on"
    unit.save(update_fields=["reports_need_approval"])
    if unit.reports_need_approval:
        messages.success(request, _("%(unit)s: station reports now wait for the supervising officer's approval.")
                         % {"unit": unit.display_name()})
    else:
        messages.success(request, _("%(unit)s: station reports are filed without approval; reports already "
                                    "waiting still need it.") % {"unit": unit.display_name()})
    return redirect("dashboard:approval_units")
