"""The league table of units (004: "review the progress of disposal district by district") for whole IST
days, shared by the API (/api/v1/stats/) and the dashboard's pages and exports. The figures come from the
daily tallies per unit (complaints.tally, recounted first for any day that changed), except
pending_beyond_target, which moves with the clock and is counted live.

A complaint counts for the unit it is with now, in the period in which it was received.

- received: complaints with the unit, received in the period.
- forwarded: of those, forwarded (forwarded_at set).
- noted_within_target: noted by the deadline for Noted that the SLA module set when the complaint reached
  the unit (Complaint.noted_due_at: the target for its category and priority, in the unit's working
  hours); complaints forwarded before that deadline was kept count against SLA_NOTED_TARGET_MINUTES
  (settings, default 120, wall-clock) after forwarding. The percentage is of the forwarded ones.
- median_minutes_to_noted: forwarded → noted; median_minutes_to_resolution: forwarded → resolved (spans
  kept in whole seconds, rounded up).
- disposed / disposal_rate_pct: resolved or closed, as a share of received.
- pending_beyond_target: still open and past their next deadline (sla_due_at, kept by the SLA module)
  at the end of the period or now, whichever is earlier.
- not_heard: forwarded, still open and never noted (001 §9's "Noted" never came).
- satisfied / not_satisfied / satisfaction_pct: complaints whose complainant's latest answer is
  "satisfied" (tracking page, after resolution), or "not satisfied" there or a request on X to reopen;
  the percentage is of the complaints answered. Not part of the rank: anyone holding a code can answer.
- reopened: complaints reopened at least once (resolved or closed, then reopened), whatever their state
  now. Not part of the rank either.
- rank: by disposal rate, then share noted within target, then median time to noted (faster first),
  then volume; units that received nothing in the period are listed unranked at the end.
"""

from collections import Counter
from datetime import date, datetime

import numpy as np
from django.db.models import Count
from django.utils import timezone

from districts.models import Unit, UnitType

from . import tally
from .models import Complaint, overdue_q

# Units that receive complaints; zones and ranges supervise and have none of their own.
RECEIVING_TYPES = (
    UnitType.DISTRICT, UnitType.COMMISSIONERATE, UnitType.TRAFFIC, UnitType.OVERSEAS, UnitType.SPECIAL,
)


noted_target_minutes = tally.noted_target_minutes


def period_bounds(period_start, period_end):
    """Dates are whole IST days, the end day included; datetimes are taken as a half-open range."""
    if isinstance(period_start, date) and not isinstance(period_start, datetime):
        period_start = tally.day_bounds(period_start)[0]
    if isinstance(period_end, date) and not isinstance(period_end, datetime):
        period_end = tally.day_bounds(period_end)[1]
    return period_start, period_end


def _units(units):
    if units is None:
        return list(Unit.objects.active().filter(unit_type__in=RECEIVING_TYPES))
    ids = [u.pk if isinstance(u, Unit) else int(u) for u in units]
    return list(Unit.objects.filter(pk__in=ids))


def _whole_days(period_start, period_end):
    for value in (period_start, period_end):
        if isinstance(value, datetime) or not isinstance(value, date):
            raise TypeError(f"The league table counts whole IST days; give dates, not {value!r}.")
    return period_start, period_end


COUNTS = ("received", "forwarded", "noted", "noted_in_time", "disposed", "not_heard", "satisfied", "not_satisfied",
          "reopened")


def _read(first, last, unit_ids, volumes):
    """One pass over the period's tallies. Per unit: the summed COUNTS and the sorted spans to noted and
    to resolution; with volumes, also the complaints received per day, per category and per unit."""
    fields = ("unit_id", "noted_seconds", "resolution_seconds", *COUNTS) + (("day", "by_category") if volumes else ())
    n = len(COUNTS)
    sums = {}
    per_day, per_unit, categories = Counter(), Counter(), []
    for unit_id, to_noted, to_resolved, *figures in tally.rows(first, last, unit_ids, fields):
        s = sums.get(unit_id)
        if s is None:
            s = sums[unit_id] = ([0] * n, [], [])
        counts = s[0]
        for i in range(n):
            counts[i] += figures[i]
        s[1].append(to_noted)
        s[2].append(to_resolved)
        if volumes:
            received, (day, by_category) = figures[0], figures[n:]
            per_day[day] += received
            per_unit[unit_id] += received
            categories.append(by_category)
    spans = {unit_id: (counts, tally.unpack(*noted), tally.unpack(*resolved))
             for unit_id, (counts, noted, resolved) in sums.items()}
    if not volumes:
        return spans, None
    return spans, {"per_day": per_day, "per_category": tally.unpack_categories(*categories), "per_unit": per_unit}


def _pending_beyond_target(start, end, cutoff):
    """Per unit: open and past their deadline at the cutoff. A figure that moves with the clock, so it is
    counted live (through the status index: open complaints are few). A partial index of the open ones
    made this 9 → 3 ms at a million complaints, but cost ingest some 5% of its rate, so there is none."""
    return dict(
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end).filter(overdue_q(cutoff)).order_by()
        .values("unit_id").annotate(n=Count("unit_id")).values_list("unit_id", "n")
    )


def _median_minutes(seconds):
    return float(np.median(seconds)) / 60 if len(seconds) else None


def _pct(part, whole):
    return round(100.0 * part / whole, 1) if whole else None


def _round(value):
    return round(value, 1) if value is not None else None


def league_table(period_start, period_end, units=None) -> list[dict]:
    """One plain dict per unit, ranked (see the module docstring for each figure). The period is whole IST
    days, from period_start to period_end (dates, both included)."""
    return league(period_start, period_end, units)["table"]


def league(period_start, period_end, units=None, *, volumes=False) -> dict:
    """{"table": league_table's rows, "volumes": None, or with volumes=True the complaints received per
    day, per category id and per unit id (None: not classified / not routed) as Counters, over the given
    units, or over every complaint when units is None}."""
    first, last = _whole_days(period_start, period_end)
    start, end = period_bounds(first, last)
    chosen = _units(units)
    unit_ids = [u.pk for u in chosen]
    sums, counted = _read(first, last, None if units is None and volumes else unit_ids, volumes)
    late = _pending_beyond_target(start, end, min(timezone.now(), end)) if sums else {}
    empty = ([0] * len(COUNTS), tally.unpack(), tally.unpack())

    rows = []
    for unit in chosen:
        counts, to_noted, to_resolved = sums.get(unit.pk, empty)
        received, forwarded, noted, within, disposed, not_heard, satisfied, not_satisfied, reopened = counts
        rows.append({
            "rank": None,
            "unit": unit.slug,
            "unit_id": unit.pk,
            "unit_name_en": unit.name_en,
            "unit_name_hi": unit.name_hi,
            "unit_type": unit.unit_type,
            "received": received,
            "forwarded": forwarded,
            "noted": noted,
            "noted_within_target": within,
            "noted_within_target_pct": _pct(within, forwarded),
            "median_minutes_to_noted": _round(_median_minutes(to_noted)),
            "median_minutes_to_resolution": _round(_median_minutes(to_resolved)),
            "disposed": disposed,
            "disposal_rate_pct": _pct(disposed, received),
            "pending_beyond_target": late.get(unit.pk, 0),
            "not_heard": not_heard,
            "satisfied": satisfied,
            "not_satisfied": not_satisfied,
            "satisfaction_pct": _pct(satisfied, satisfied + not_satisfied),
            "reopened": reopened,
        })

    def merit(row):
        return (
            -(row["disposal_rate_pct"] or 0), -(row["noted_within_target_pct"] or 0),
            row["median_minutes_to_noted"] if row["median_minutes_to_noted"] is not None else float("inf"),
            -row["received"], row["unit_name_en"],
        )

    ranked = sorted((r for r in rows if r["received"]), key=merit)
    for position, row in enumerate(ranked, start=1):
        row["rank"] = position
    unranked = sorted((r for r in rows if not r["received"]), key=lambda r: r["unit_name_en"])
    return {"table": ranked + unranked, "volumes": counted}
