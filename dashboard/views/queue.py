"""A unit's queue (phone first) and the supervisors' read-only view of the units below them."""

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from complaints.models import OPEN_STATUSES, Event, Status
from districts.models import Unit

from .. import roles
from .common import staff_required, visible

PAGE = 50
QUEUE_STATUSES = [s for s in OPEN_STATUSES if s != Status.NEW] + [Status.RESOLVED]


def _offset(request):
    value = request.GET.get("offset", "0")
    return int(value) if value.isdigit() else 0


def _with_nudge(qs):
    latest = Event.objects.filter(complaint=OuterRef("pk"), action="nudge").order_by("-created_at", "-id")
    return qs.annotate(nudge_note=Subquery(latest.values("note")[:1]),
                       nudge_at=Subquery(latest.values("created_at")[:1]))


def _with_reopen_request(qs):
    """The newest request since resolution to look at the complaint again, and where it came from (the
    tracking page, which anyone with the code can use, or the complainant's reply on X)."""
    asked = Event.objects.filter(complaint=OuterRef("pk"), action="reopen_requested",
                                 created_at__gte=OuterRef("resolved_at")).order_by("-created_at", "-id")
    return qs.annotate(reopen_asked_at=Subquery(asked.values("created_at")[:1]),
                       reopen_asked_via=Subquery(asked.values(via=KT("data__channel"))[:1]))


def _ordered(qs):
    # Soonest deadline first, so overdue complaints lead; complaints without one (resolved) at the end.
    return qs.order_by(F("sla_due_at").asc(nulls_last=True), "-received_at", "-id")


@staff_required(roles.is_cell, roles.is_hq)
def queue(request):
    qs = visible(request).filter(status__in=QUEUE_STATUSES)
    unit = None
    if roles.is_hq(request.user):
        slug = request.GET.get("unit", "")
        unit = Unit.objects.filter(slug=slug).first() if slug else None
        if slug and unit is None:
            raise Http404
        if unit is not None:
            qs = qs.filter(unit_id__in=unit.subtree_ids())
    else:
        unit = roles.profile(request.user).unit
    offset = _offset(request)
    rows = list(_with_reopen_request(_with_nudge(_ordered(qs.select_related("unit", "category", "police_station"))))
                [offset:offset + PAGE + 1])
    return render(request, "dashboard/queue.html", {
        "rows": rows[:PAGE], "more": len(rows) > PAGE, "next_offset": offset + PAGE, "unit": unit,
        "now": timezone.now(),
    })


@staff_required(roles.is_supervisor, roles.is_hq)
def supervise(request):
    now = timezone.now()
    qs = visible(request).filter(status__in=[s for s in OPEN_STATUSES if s != Status.NEW])
    summary = (qs.values("unit_id", "unit__name_en", "unit__name_hi")
               .annotate(open=Count("id"),
                         overdue=Count("id", filter=Q(sla_due_at__lt=now)),
                         not_noted=Count("id", filter=Q(status=Status.FORWARDED)),
                         escalated=Count("id", filter=Q(escalated_at__isnull=False)))
               .order_by("-overdue", "-open")[:200])
    offset = _offset(request)
    rows = list(_with_nudge(_ordered(qs.select_related("unit", "category")))[offset:offset + PAGE + 1])
    return render(request, "dashboard/supervise.html", {
        "summary": summary, "rows": rows[:PAGE], "more": len(rows) > PAGE, "next_offset": offset + PAGE,
        "now": now,
    })

