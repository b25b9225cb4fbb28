"""The escalation ladder: an open complaint past its SLA deadline climbs one level at a time, the unit's
cell first, then its range, its zone and HQ, each level given its own time (EscalationStep rows HQ edits in the
admin, else DEFAULT_MINUTES) before the next is told.

    deadline passed           → cell   (due: now + cell minutes)
    cell's time ran out       → range  (due: now + range minutes)
    range's time ran out      → zone   (due: now + zone minutes)
    zone's time ran out       → HQ     (the top; nothing climbs past it)

Only complaints routed to a unit climb it (a new one climbs HQ's forwarding ladder, below). Each step is one
lifecycle.escalate call, which records the level on the complaint and an "escalation_step" event; any change
of state (noted, resolved, transferred...) clears the level, so the complaint stops climbing and a later
deadline starts a new ladder. Who is told, and how, is the notifying side's business (dashboard.notify
listens for the event; at the unit's level a report waiting for approval is the SP's, not the cell's); this
module never imports it.

A new complaint is on HQ's own clock (to forward it to a unit), so it climbs HQ's forwarding ladder instead:

    forwarding deadline passed → HQ's cell         (due: now + hq_cell minutes)
    still not forwarded then   → HQ's supervisors  (the top)

the same lifecycle.escalate steps, at the state unit. Forwarding it is a change of state: the level clears and
the unit's own deadline (Noted) starts the unit's ladder when it runs out.

The ladder is also the desk's one deadline watch: the first step for a deadline marks the complaint
escalated (the badge, the breach the metrics count), and a complaint past its deadline that no step will
reach (one part-way up or at the top whose deadline moved; a new one where no state unit exists to tell) is
marked by lifecycle.mark_overdue, once per deadline, telling nobody.
"""

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from districts.models import Unit, UnitType

from . import lifecycle
from .escalation_models import FORWARDING_LADDER, LADDER, EscalationLevel, EscalationStep
from .models import OPEN_STATUSES, Complaint, Status

log = logging.getLogger(__name__)

ACTOR = lifecycle.Actor(name="escalation")
# Used for a level without a row (the migration creates rows with these values).
DEFAULT_MINUTES = {"cell": 60, "range": 120, "zone": 240, "hq": 480, "hq_cell": 60, "hq_super": 480}
LEVEL_UNIT_TYPE = {EscalationLevel.RANGE: UnitType.RANGE, EscalationLevel.ZONE: UnitType.ZONE,
                   EscalationLevel.HQ: UnitType.STATE}


def step_minutes():
    """{level: minutes} from HQ's rows, DEFAULT_MINUTES filling any level without one."""
    minutes = dict(DEFAULT_MINUTES)
    minutes.update(EscalationStep.objects.values_list("level", "minutes"))
    return minutes


def unit_at(unit, level):
    """The unit that answers for `unit`'s complaints at `level`, or None when its tree has no such level."""
    if unit is None:
        return None
    if level == EscalationLevel.CELL:
        return unit
    wanted = LEVEL_UNIT_TYPE[level]
    found = next((u for u in unit.ancestors() if u.unit_type == wanted), None)
    if found is None and level == EscalationLevel.HQ:
        found = hq_unit()
    return found


def hq_unit():
    """The state unit: HQ, where the top of the ladder and the forwarding ladder tell people."""
    return Unit.objects.filter(unit_type=UnitType.STATE).order_by("pk").first()


def next_step(unit, current):
    """(level, unit) of the next rung above `current` ("" = not escalated) that exists for `unit`."""
    start = 0 if not current else LADDER.index(current) + 1
    for level in LADDER[start:]:
        found = unit_at(unit, level)
        if found is not None:
            return level, found
    return None, None


def due(now=None):
    """Open complaints with a unit whose deadline passed and whose current step's time ran out (or that
    have not started climbing), below the top of the ladder."""
    now = now or timezone.now()
    return (Complaint.objects.filter(status__in=OPEN_STATUSES, unit__isnull=False, sla_due_at__lt=now)
            .exclude(status=Status.NEW)
            .filter(Q(escalation_level="") | Q(escalation_due_at__lte=now))
            .exclude(escalation_level=EscalationLevel.HQ))


def climb(now=None, limit=500):
    """Take one step for every complaint due one (oldest deadline first); returns the step events. Safe to
    run twice or in two workers at once: lifecycle.escalate re-reads the level under the row lock."""
    now = now or timezone.now()
    minutes = step_minutes()
    events = []
    rows = due(now).select_related("unit").order_by("sla_due_at", "pk")[:limit]
    for complaint in rows:
        level, unit = next_step(complaint.unit, complaint.escalation_level)
        if level is None:
            continue
        event = lifecycle.escalate(
            complaint, from_level=complaint.escalation_level, to_level=level, unit=unit,
            due_at=now + timedelta(minutes=minutes[level]), actor=ACTOR, at=now)
        if event is not None:
            events.append(event)
    events += climb_forwarding(now, limit, minutes)
    marked = mark_unclimbed(now, limit)
    if events or marked:
        log.info("escalation: %s complaint(s) climbed a step, %s more marked past the deadline", len(events), marked)
    return events


def forwarding_due(now=None):
    """New complaints past HQ's deadline to forward them that have not started HQ's forwarding ladder, or
    whose HQ cell's time ran out."""
    now = now or timezone.now()
    return (Complaint.objects.filter(status=Status.NEW, sla_due_at__lt=now)
            .filter(Q(escalation_level="")
                    | Q(escalation_level=EscalationLevel.HQ_CELL, escalation_due_at__lte=now)))


def climb_forwarding(now=None, limit=500, minutes=None):
    """One step of HQ's forwarding ladder for every new complaint due one; returns the step events. The step
    is taken only if the complaint is still new under the row lock: one forwarded meanwhile is the unit's."""
    now = now or timezone.now()
    minutes = minutes or step_minutes()
    hq = hq_unit()
    if hq is None:
        return []
    events = []
    for complaint in forwarding_due(now).order_by("sla_due_at", "pk")[:limit]:
        start = 0 if not complaint.escalation_level else FORWARDING_LADDER.index(complaint.escalation_level) + 1
        level = FORWARDING_LADDER[start]
        event = lifecycle.escalate(
            complaint, from_level=complaint.escalation_level, to_level=level, unit=hq,
            due_at=now + timedelta(minutes=minutes[level]), actor=ACTOR, at=now, status=Status.NEW)
        if event is not None:
            events.append(event)
    return events


def unclimbed(now=None):
    """Open complaints past their deadline, not yet marked for it, that no first step of a ladder will mark:
    those part-way up a ladder (or at its top) whose deadline moved (a change of priority) without a change
    of state, those without a unit that are not new, and new ones when there is no state unit to tell."""
    now = now or timezone.now()
    first_step = Q(unit__isnull=False, escalation_level="") & ~Q(status=Status.NEW)
    if hq_unit() is not None:
        first_step |= Q(status=Status.NEW, escalation_level="")
    return Complaint.objects.overdue(now).filter(escalated_at__isnull=True).exclude(first_step)


def mark_unclimbed(now=None, limit=500):
    """lifecycle.mark_overdue for each of unclimbed(now), oldest deadline first; returns how many."""
    now = now or timezone.now()
    done = 0
    for complaint in unclimbed(now).only("pk").order_by("sla_due_at", "pk")[:limit]:
        if lifecycle.mark_overdue(complaint, actor=ACTOR, at=now) is not None:
            done += 1
    return done
