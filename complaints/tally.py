"""Daily tallies per unit behind the league table (004), so that a month's figures at a million
complaints come from a few thousand small rows instead of aggregating some 80,000 complaints per request.

One DayTally row per (IST day of receipt, unit the complaint is with now) holds the counts as the
complaints stand now, the categories received, the complainants' latest answers (satisfied, or
not satisfied / asked to reopen, from the answer events), how many were ever reopened (a "reopen"
event, whatever the state now), and the spans forwarded → noted and forwarded →
resolved in whole seconds (a median needs every value, not a sum).

Keeping them current. The lifecycle marks the day of every complaint whose counted fields change, or that
gets an answer (COUNTED_CHANGES): a StaleDay row written in the change's own transaction, so a mark is
visible exactly when its change is.
refresh() recomputes the marked days from the complaints and deletes the marks it read, in one
transaction under a lock, so two refreshes never interleave and a mark that commits meanwhile is kept for
the next one. Readers refresh the days of their period first, so an answer is never stale; the beat task
refreshes the rest so readers seldom have work to do. Writers that bypass the lifecycle (generate_load,
the benchmark's COPY) call mark() or rebuild().
"""

import math
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import OPEN_STATUSES, Complaint, DayTally, Event, StaleDay, Status

# pg_advisory_xact_lock key for refreshes (any constant unique within the database).
LOCK_KEY = 7_203_114_001
DISPOSED = (Status.RESOLVED, Status.CLOSED)
# The complainant's answers (complaints.feedback after resolution, and a request on X to reopen):
# the latest one of each complaint is counted.
SATISFIED, NOT_SATISFIED = "citizen_satisfied", "reopen_requested"
ANSWERS = (SATISFIED, NOT_SATISFIED)
# Changes that keep the status but move a complaint between the counted columns.
COUNTED_CHANGES = ("set_category", *ANSWERS)


def day_of(moment):
    return timezone.localtime(moment).date()


def day_bounds(day):
    """[start, end) of an IST day as aware datetimes."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def noted_target_minutes() -> int:
    """The wall-clock target for Noted of complaints with no recorded deadline for it (older ones)."""
    return int(getattr(settings, "SLA_NOTED_TARGET_MINUTES", 120))


def counts_change(event):
    """Does this lifecycle event change what a tally counts?"""
    return event.from_status != event.to_status or event.action in COUNTED_CHANGES


def mark(moments):
    """Mark the days of these receipt times (datetimes or dates) for recounting, in the caller's
    transaction."""
    days = {m if not isinstance(m, datetime) else day_of(m) for m in moments}
    if days:
        StaleDay.objects.bulk_create([StaleDay(day=d) for d in sorted(days)])


def _lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            # Derived rows: a crash may lose this recount only together with the marks it deletes, so
            # the commit need not wait for the disk.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    # SQLite lets one writer in at a time; the first write below waits for any other refresh.


UINT32 = np.dtype("<u4")  # DayTally's packed columns: little-endian unsigned 32-bit integers


def pack(seconds):
    return np.asarray(sorted(seconds), dtype=UINT32).tobytes()


def unpack(*blobs):
    """One array of the spans in these packed columns (several days' runs joined; not sorted across)."""
    return np.frombuffer(b"".join(blobs), dtype=UINT32)


def pack_categories(counts):
    """{category id or None: count} as (id, count) pairs, 0 standing for None."""
    return np.asarray(sorted((k or 0, n) for k, n in counts.items()), dtype=UINT32).tobytes()


def unpack_categories(*blobs):
    """{category id or None: count} summed over these packed by_category columns."""
    pairs = np.frombuffer(b"".join(blobs), dtype=UINT32).reshape(-1, 2)
    totals = np.bincount(pairs[:, 0], weights=pairs[:, 1]) if len(pairs) else ()
    return Counter({(int(k) or None): int(n) for k, n in enumerate(totals) if n})


def _seconds(since, until):
    return max(0, math.ceil((until - since).total_seconds()))


def count_day(day):
    """Fresh (unsaved) DayTally rows for one day, from its complaints."""
    start, end = day_bounds(day)
    rows = (Complaint.objects.filter(received_at__gte=start, received_at__lt=end).order_by()
            .values_list("pk", "unit_id", "category_id", "status", "forwarded_at", "noted_at", "resolved_at",
                         "noted_due_at"))
    answers = latest_answers(start, end)
    reopened = reopened_ids(start, end)
    tallies = {}
    categories = defaultdict(Counter)
    fallback = timedelta(minutes=noted_target_minutes())
    for pk, unit_id, category_id, status, forwarded_at, noted_at, resolved_at, noted_due_at in rows:
        t = tallies.get(unit_id)
        if t is None:
            t = tallies[unit_id] = DayTally(day=day, unit_id=unit_id)
            t.to_noted, t.to_resolved = [], []
        t.received += 1
        categories[unit_id][category_id] += 1
        answer = answers.get(pk)
        if answer == SATISFIED:
            t.satisfied += 1
        elif answer == NOT_SATISFIED:
            t.not_satisfied += 1
        if status in DISPOSED:
            t.disposed += 1
        if pk in reopened:
            t.reopened += 1
        if noted_at:
            t.noted += 1
        if forwarded_at:
            t.forwarded += 1
            if noted_at:
                t.to_noted.append(_seconds(forwarded_at, noted_at))
                if noted_at <= (noted_due_at or forwarded_at + fallback):
                    t.noted_in_time += 1
            elif status in OPEN_STATUSES:
                t.not_heard += 1
            if resolved_at:
                t.to_resolved.append(_seconds(forwarded_at, resolved_at))
    for unit_id, t in tallies.items():
        t.by_category = pack_categories(categories[unit_id])
        t.noted_seconds = pack(t.to_noted)
        t.resolution_seconds = pack(t.to_resolved)
    return list(tallies.values())


def latest_answers(start, end):
    """{complaint id: its latest answer's action} for the complaints received in [start, end) that have
    one. Answers are few beside complaints, so they are read on their own, through the action index."""
    events = (Event.objects.filter(action__in=ANSWERS, complaint__received_at__gte=start,
                                   complaint__received_at__lt=end)
              .order_by("complaint_id", "created_at", "id").values_list("complaint_id", "action"))
    return dict(events)  # ordered oldest first, so each complaint keeps its latest


def reopened_ids(start, end):
    """Ids of the complaints received in [start, end) that were reopened at least once (reopenings are
    few, so they are read through the action index like the answers)."""
    return set(Event.objects.filter(action="reopen", complaint__received_at__gte=start,
                                    complaint__received_at__lt=end).values_list("complaint_id", flat=True))


# What a recount compares to decide whether a stored row changed.
COMPARED = ("received", "forwarded", "noted", "noted_in_time", "disposed", "not_heard", "satisfied",
            "not_satisfied", "reopened", "by_category", "noted_seconds", "resolution_seconds")


def _values(obj):
    return tuple(bytes(v) if isinstance(v, memoryview) else v for v in obj)


def _recount(days):
    """Rewrite the rows of these days that differ from a fresh count (a change touches one or two units'
    rows of a day, so most rows stay as they are)."""
    fresh = {(t.day, t.unit_id): t for day in days for t in count_day(day)}
    stored = {(day, unit_id): (pk, _values(rest)) for pk, day, unit_id, *rest
              in DayTally.objects.filter(day__in=days).values_list("pk", "day", "unit_id", *COMPARED)}
    stale = {pk for key, (pk, values) in stored.items()
             if key not in fresh or values != _values(getattr(fresh[key], f) for f in COMPARED)}
    written = [t for key, t in fresh.items() if key not in stored or stored[key][0] in stale]
    if stale:
        DayTally.objects.filter(pk__in=stale).delete()
    DayTally.objects.bulk_create(written, batch_size=1000)


def refresh(first=None, last=None):
    """Recount the marked days (only those from first to last, when given); returns how many."""
    marks = StaleDay.objects.all()
    if first is not None:
        marks = marks.filter(day__gte=first)
    if last is not None:
        marks = marks.filter(day__lte=last)
    if not marks.exists():
        return 0
    with transaction.atomic():
        _lock()
        taken = list(marks.values_list("pk", "day"))
        days = sorted({day for _, day in taken})
        for i in range(0, len(days), 31):
            _recount(days[i:i + 31])
        ids = [pk for pk, _ in taken]
        for i in range(0, len(ids), 5000):
            StaleDay.objects.filter(pk__in=ids[i:i + 5000]).delete()
    return len(days)


def rebuild():
    """Recount every day that has complaints or tallies (after a bulk load, or to check the tallies)."""
    days = {moment.date() for moment in Complaint.objects.datetimes("received_at", "day")}
    days |= set(DayTally.objects.values_list("day", flat=True).distinct())
    with transaction.atomic():
        mark(days)
    refresh()
    return len(days)


def rows(first, last, unit_ids=None, fields=()):
    """Current tallies of the days first..last (dates, both included) as value tuples of `fields`, for
    the given units (None: every unit, and the complaints not routed)."""
    refresh(first, last)
    qs = DayTally.objects.filter(day__gte=first, day__lte=last).order_by()
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    return qs.values_list(*fields)
