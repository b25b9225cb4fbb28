"""A unit's queue (phone first) and the supervisors' read-only view of the units below them."""

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from complaints.models import OPEN_STATUSES, Event, Priority, Status
from districts.models import Unit

from .. import reopen_requests, roles, urgent
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


BY_DEADLINE = (F("sla_due_at").asc(nulls_last=True), "-received_at", "-id")
URGENT_MAX = 20  # open urgent complaints listed above the rest on the first page
REQUESTS_MAX = 20  # complaints whose complainant asked to look again, listed next
SUPERVISOR_URGENT_MAX = 10  # the supervisor's list spans several units; the alarm lists the pressing ones


def _decorated(qs):
    return urgent.with_handover(reopen_requests.annotate(_with_nudge(qs.select_related("unit", "category",
                                                                                        "police_station"))))


def _page(qs, offset, first=()):
    """One page of `qs` (already ordered) at `offset`, after the `first` blocks: these come on the first page
    only and are left out of every page of `qs`. Each part is its own query, so the long list keeps the
    order the deadline index gives (a single sort putting urgent first would read every open complaint of
    the unit at every view)."""
    head = [c for block in first for c in block]
    rest = list(qs.exclude(pk__in=[c.pk for c in head])[offset:offset + PAGE + 1])
    return (head if offset == 0 else []) + rest[:PAGE], len(rest) > PAGE


def _urgent_block(qs, size=URGENT_MAX):
    return list(_decorated(qs.filter(priority=Priority.URGENT, status__in=OPEN_STATUSES))
                .order_by(*BY_DEADLINE)[:size])


SHOW = ("urgent", "again")


@staff_required(roles.is_cell, roles.is_hq)
def queue(request):
    """The unit's complaints after HQ forwarded them: open urgent ones first, then those whose complainant
    asked to look again (resolved or closed), then the soonest deadline first; ?show=urgent or ?show=again
    lists only those."""
    seen = visible(request)
    unit = None
    if roles.is_hq(request.user):
        slug = request.GET.get("unit", "")
        unit = Unit.objects.filter(slug=slug).first() if slug else None
        if slug and unit is None:
            raise Http404
        if unit is not None:
            seen = seen.filter(unit_id__in=unit.subtree_ids())
    else:
        unit = roles.profile(request.user).unit
    show = request.GET.get("show") if request.GET.get("show") in SHOW else ""
    offset = _offset(request)
    asked = _decorated(seen.filter(pk__in=reopen_requests.waiting_ids())).order_by("reopen_asked_at", "id")
    if show == "urgent":
        rows, more = _page(_decorated(seen.filter(priority=Priority.URGENT, status__in=OPEN_STATUSES))
                           .order_by(*BY_DEADLINE), offset)
    elif show == "again":
        rows, more = _page(asked, offset)
    else:
        hot = _urgent_block(seen.filter(status__in=QUEUE_STATUSES))
        asked = list(asked.exclude(pk__in=[c.pk for c in hot])[:REQUESTS_MAX])
        rows, more = _page(_decorated(seen.filter(status__in=QUEUE_STATUSES)).order_by(*BY_DEADLINE), offset,
                           first=(hot, asked))
    return render(request, "dashboard/queue.html", {
        "rows": rows, "more": more, "next_offset": offset + PAGE, "unit": unit,
        "now": timezone.now(), "show": show,
        "alarm": urgent.banner(seen, request=None if unit is not None and roles.is_hq(request.user) else request),
        "again_count": reopen_requests.count(seen),
        "urgent_count": seen.filter(priority=Priority.URGENT, status__in=OPEN_STATUSES).count(),
    })


@staff_required(roles.is_supervisor, roles.is_hq)
def supervise(request):
    now = timezone.now()
    qs = visible(request).filter(status__in=[s for s in OPEN_STATUSES if s != Status.NEW])
    summary = list(qs.values("unit_id", "unit__name_en", "unit__name_hi")
                   .annotate(open=Count("id"),
                             overdue=Count("id", filter=Q(sla_due_at__lt=now)),
                             not_noted=Count("id", filter=Q(status=Status.FORWARDED)),
                             escalated=Count("id", filter=Q(escalated_at__isnull=False)),
                             urgent=Count("id", filter=Q(priority=Priority.URGENT)))
                   .order_by("-urgent", "-overdue", "-open")[:200])
    # Requests to look again wait on resolved or closed complaints, which the counts above leave out.
    seen = visible(request)
    asked = reopen_requests.per_unit(seen)
    for row in summary:
        row["asked_again"] = asked.pop(row["unit_id"], 0)
    if asked:
        names = {u.pk: u for u in Unit.objects.filter(pk__in=[k for k in asked if k])}
        summary.extend({"unit_id": k, "unit__name_en": getattr(names.get(k), "name_en", ""),
                        "unit__name_hi": getattr(names.get(k), "name_hi", ""), "open": 0, "overdue": 0,
                        "not_noted": 0, "escalated": 0, "urgent": 0, "asked_again": n} for k, n in asked.items())
    offset = _offset(request)
    rows, more = _page(_decorated(qs).order_by(*BY_DEADLINE), offset, first=(_urgent_block(qs, SUPERVISOR_URGENT_MAX),))
    return render(request, "dashboard/supervise.html", {
        "summary": summary, "rows": rows, "more": more, "next_offset": offset + PAGE,
        "now": now, "alarm": urgent.banner(seen, now, request=request),
        "asked_again": list(reopen_requests.waiting(seen, PAGE)),
    })

