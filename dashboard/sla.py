"""SLA clocks: targets per category and priority, counted in the unit's working hours, and the next deadline
kept on each complaint. What happens once a deadline has passed is the escalation ladder's business
(complaints.escalation, beat task dashboard.tasks.escalation_climb).

Which deadline a complaint waits for depends on its state:
    new                              → forward, counted from received_at (HQ's hours)
    forwarded, transferred           → noted, counted from when it reached the unit
    noted, in_progress, reopened,
    awaiting_approval                → resolution, counted from forwarding (reopened: from the reopening); a
                                       report waiting for the SP is not yet a disposal, so the clock runs
    resolved, closed, rejected, ...  → none
"""

from datetime import datetime, time, timedelta
from functools import lru_cache
from time import monotonic

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from complaints import lifecycle
from complaints.models import Complaint, Status, overdue_q
from districts.models import Unit

from .models import ShiftCalendar, SlaTarget

FORWARD, NOTED, RESOLUTION = "forward", "noted", "resolution"
PHASE_BY_STATUS = {
    Status.NEW: FORWARD,
    Status.FORWARDED: NOTED,
    Status.TRANSFERRED: NOTED,
    Status.NOTED: RESOLUTION,
    Status.IN_PROGRESS: RESOLUTION,
    Status.REOPENED: RESOLUTION,
    Status.AWAITING_APPROVAL: RESOLUTION,
}
# Fallback when no SlaTarget row matches (the data migration creates rows with these values).
DEFAULT_MINUTES = {
    "urgent": (15, 30, 8 * 60),
    "high": (30, 60, 24 * 60),
    "normal": (60, 120, 72 * 60),
    "low": (120, 240, 7 * 24 * 60),
}
MAX_DAYS = 400  # a calendar with almost no hours cannot make the arithmetic loop for ever


# ---------------------------------------------------------------- working hours

# A deadline is worked out for every new complaint and every change (thousands a second in a backfill),
# over the same few days and shifts: each day's intervals are computed once.
@lru_cache(maxsize=4096)
def _intervals(windows, day, tz):
    spans = []
    for offset in (-1, 0):
        d = day + timedelta(days=offset)
        for start, end in windows:
            a = datetime.combine(d, start, tzinfo=tz)
            b = datetime.combine(d + timedelta(days=1) if end <= start else d, end, tzinfo=tz)
            spans.append((a, b))
    spans.sort()
    merged = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return tuple(merged)



class Calendar:
    """Daily working windows in local time. `windows` is a list of (start, end) `time` pairs; an end at or
    before its start runs past midnight. None means round the clock."""

    def __init__(self, windows=None):
        self.windows = None if windows is None else [(_t(a), _t(b)) for a, b in windows]

    @property
    def round_the_clock(self):
        return self.windows is None

    def intervals(self, day):
        """Merged working intervals (aware datetimes) that touch `day` or start the day before it."""
        return _intervals(tuple(self.windows), day, timezone.get_default_timezone())

    def add(self, start, minutes):
        """The instant after `minutes` of working time counted from `start`."""
        if self.round_the_clock or not self.windows:
            return start + timedelta(minutes=minutes)
        left = timedelta(minutes=minutes)
        cursor = start
        day = timezone.localtime(start).date()
        for _ in range(MAX_DAYS):
            for a, b in self.intervals(day):
                if b <= cursor:
                    continue
                a = max(a, cursor)
                if b - a >= left:
                    return a + left
                left -= b - a
                cursor = b
            day += timedelta(days=1)
        return cursor + left

    def working_between(self, start, end):
        """Working time between two instants (for reports of how long a step took)."""
        if end <= start:
            return timedelta(0)
        if self.round_the_clock or not self.windows:
            return end - start
        total, cursor, day = timedelta(0), start, timezone.localtime(start).date()
        while cursor < end and day <= timezone.localtime(end).date():
            for a, b in self.intervals(day):
                a, b = max(a, cursor), min(b, end)
                if b > a:
                    total += b - a
                    cursor = b
            day += timedelta(days=1)
        return total


def _t(value):
    if isinstance(value, time):
        return value
    hours, minutes = str(value).split(":")
    return time(int(hours), int(minutes))


def calendar_for(unit):
    """The unit's calendar: its own row, else round the clock if listed in settings, else the default."""
    rules = _rules()
    if unit is None:
        unit = rules["state"]
    if unit is not None:
        row = rules["calendars"].get(unit.pk)
        if row is not None:
            return Calendar(None if row.round_the_clock else row.shifts)
        if unit.slug in settings.SLA_ROUND_THE_CLOCK_UNITS:
            return Calendar(None)
    return Calendar(settings.SLA_DEFAULT_SHIFTS)


# ---------------------------------------------------------------- targets and deadlines

# Targets and calendars change rarely and are read for every change of every complaint (thousands a
# second during a backfill), so they are kept per process for a short while; saving or deleting a row
# forgets them at once in the saving process, other processes see the change within RULES_SECONDS.
RULES_SECONDS = 30
_rules_cache = {}


def _rules():
    now = monotonic()
    if not _rules_cache or now - _rules_cache["at"] > RULES_SECONDS:
        _rules_cache.clear()
        _rules_cache.update(at=now, targets=list(SlaTarget.objects.all()),
                            calendars={row.unit_id: row for row in ShiftCalendar.objects.all()},
                            state=Unit.objects.filter(unit_type="state").first())
    return _rules_cache


def forget_rules(**kwargs):
    _rules_cache.clear()


for _model in (SlaTarget, ShiftCalendar):
    post_save.connect(forget_rules, sender=_model, dispatch_uid=f"dashboard.sla.forget.{_model.__name__}")
    post_delete.connect(forget_rules, sender=_model, dispatch_uid=f"dashboard.sla.forget.del.{_model.__name__}")


def target_minutes(category_id, priority, phase):
    """Working minutes allowed for a phase; the most specific SlaTarget row wins."""
    rows = [r for r in _rules()["targets"]
            if r.category_id in (category_id, None) and r.priority in (priority, "")]
    best = max(rows, key=lambda r: (r.category_id is not None, r.priority != ""), default=None)
    index = (FORWARD, NOTED, RESOLUTION).index(phase)
    if best is not None:
        return (best.forward_minutes, best.noted_minutes, best.resolution_minutes)[index]
    return DEFAULT_MINUTES.get(priority, DEFAULT_MINUTES["normal"])[index]


def phase_start(complaint, phase, event=None):
    if phase == FORWARD:
        return complaint.received_at
    if phase == NOTED:
        if complaint.status == Status.TRANSFERRED and event is not None and event.action == "transfer":
            return event.created_at
        return complaint.forwarded_at or complaint.received_at
    if complaint.status == Status.REOPENED and event is not None and event.action == "reopen":
        return event.created_at
    return complaint.forwarded_at or complaint.received_at


def due_for(complaint, event=None):
    """The next deadline for the state the complaint is waiting in, or None when it waits for nothing."""
    phase = PHASE_BY_STATUS.get(complaint.status)
    if phase is None:
        return None
    if complaint.status == Status.REOPENED and (event is None or event.action != "reopen"):
        # A reopened complaint keeps the deadline its reopening set.
        return complaint.sla_due_at
    return deadline(complaint, phase, phase_start(complaint, phase, event))


def deadline(complaint, phase, start):
    """The end of the phase's target counted from `start` in the working hours that apply (HQ's for
    forwarding, the unit's after that)."""
    unit = complaint.unit if phase != FORWARD else None
    return calendar_for(unit).add(start, target_minutes(complaint.category_id, complaint.priority, phase))


@receiver(lifecycle.filing, dispatch_uid="dashboard.sla.first_deadline")
def first_deadline(sender, complaint, **kwargs):
    """A new complaint's first deadline goes in with its INSERT (no second write while filing in bulk)."""
    complaint.sla_due_at = due_for(complaint)


@receiver(lifecycle.transitioned, dispatch_uid="dashboard.sla.keep_deadline")
def keep_deadline(sender, complaint, event, action, **kwargs):
    """Keep Complaint.sla_due_at (and noted_due_at) current. This runs inside the lifecycle's transaction
    and may not call the lifecycle again, so it writes the derived columns with a one-row UPDATE (allowed
    for these fields only); a new deadline also clears escalated_at, so the escalation ladder marks each
    deadline once."""
    if action in ("escalated", "escalation_step", "file"):
        # A new complaint's deadline went in with its INSERT (first_deadline), from the same inputs; the
        # ladder's own events change no input of the deadline.
        return
    due = due_for(complaint, event)
    # Reaching a unit (forward, transfer) starts the wait for Noted: keep that deadline for the league.
    noted_due = due if PHASE_BY_STATUS.get(complaint.status) == NOTED else complaint.noted_due_at
    if due == complaint.sla_due_at and noted_due == complaint.noted_due_at:
        return
    Complaint.objects.filter(pk=complaint.pk).update(sla_due_at=due, escalated_at=None, noted_due_at=noted_due)
    complaint.sla_due_at, complaint.escalated_at, complaint.noted_due_at = due, None, noted_due


# ---------------------------------------------------------------- past the deadline

def overdue(queryset=None, now=None):
    qs = Complaint.objects.all() if queryset is None else queryset
    return qs.filter(overdue_q(now))
