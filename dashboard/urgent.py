"""Urgent complaints (a life or limb in danger now, as triage or a person judged; the inbox and the queues
list them first, each in a block of its own above the rest): the Dial 112 hand-offs recorded on them, and
an alarm for the shift when one's short clock ran out and nobody did anything about it.

The short clocks are the urgent targets to forward (HQ) and to note (the unit), dashboard.sla's first two
phases. An urgent complaint raises the alarm while it waits in one of those phases past its deadline and no
person has acted on it since its current clock started (since it was filed, or since it reached its unit):
any event with a logged-in actor counts as acting (a forward, a note, an internal note, a nudge), the
automatic ones (ingest, the escalation ladder's steps and marks) do not. Handing it to Dial 112 ends the alarm for good:
the emergency is with 112 and the unit's clock carries on as usual.
"""

from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone

from complaints.models import Event, Priority, Status

SHORT_CLOCK_STATUSES = (Status.NEW, Status.FORWARDED, Status.TRANSFERRED)
BANNER_ROWS = 10


def is_urgent(complaint):
    return complaint.priority == Priority.URGENT


def _handed(ref="pk"):
    return Event.objects.filter(complaint=OuterRef(ref), action="hand_to_112")


def with_handover(qs):
    """Annotate when the complaint was last handed to Dial 112 and by whom (None when never)."""
    latest = _handed().order_by("-created_at", "-id")
    return qs.annotate(handed_112_at=Subquery(latest.values("created_at")[:1]),
                       handed_112_by=Subquery(latest.values("actor_name")[:1]))


def alarms(qs, now=None):
    """The complaints of `qs` that raise the alarm now (see the module's docstring), longest overdue first."""
    now = now or timezone.now()
    clock_start = (Event.objects.filter(complaint=OuterRef("pk")).exclude(from_status=F("to_status"))
                   .order_by("-created_at", "-id").values("created_at")[:1])
    acted = Event.objects.filter(complaint=OuterRef("pk"), actor__isnull=False,
                                 created_at__gt=OuterRef("clock_started"))
    return (qs.filter(priority=Priority.URGENT, status__in=SHORT_CLOCK_STATUSES, sla_due_at__lt=now)
            .annotate(clock_started=Subquery(clock_start))
            .exclude(Exists(acted)).exclude(Exists(_handed()))
            .order_by("sla_due_at", "id"))


def banner(qs, now=None, request=None):
    """What the alarm banner shows: {"count", "rows" (the first BANNER_ROWS), "now"}. With the request, when
    `qs` is everything its user may see, the count is kept on it for the header (see nav_count)."""
    now = now or timezone.now()
    found = alarms(qs, now).select_related("unit", "suggested_unit")
    rows = list(found[:BANNER_ROWS + 1])
    count = len(rows) if len(rows) <= BANNER_ROWS else found.count()
    if request is not None:
        request.urgent_alarm_count = count
    return {"count": count, "rows": rows[:BANNER_ROWS], "now": now}


def nav_count(request, visible):
    """The header's count of alarms for this login: the banner's, when the page drew one over the same
    complaints, else one count query."""
    kept = getattr(request, "urgent_alarm_count", None)
    return kept if kept is not None else alarms(visible).count()
