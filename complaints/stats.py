"""The league table of units (004: "review the progress of disposal district by district"), computed in a
few aggregate queries, shared by the API (/api/v1/stats/) and the dashboard's pages and exports.

A complaint counts for the unit it is with now, in the period in which it was received.

- received: complaints with the unit, received in the period.
- forwarded: of those, forwarded (forwarded_at set).
- noted_within_target: noted no later than SLA_NOTED_TARGET_MINUTES (settings, default 120) after being
  forwarded; the percentage is of the forwarded ones. (One target for every category; a per-category
  target would replace the single setting here.)
- median_minutes_to_noted: forwarded → noted; median_minutes_to_resolution: forwarded → resolved.
- disposed / disposal_rate_pct: resolved or closed, as a share of received.
- pending_beyond_target: still open and past their next deadline (sla_due_at, kept by the SLA module)
  at the end of the period or now, whichever is earlier.
- not_heard: forwarded, still open and never noted (001 §9's "Noted" never came).
- rank: by disposal rate, then share noted within target, then median time to noted (faster first),
  then volume; units that received nothing in the period are listed unranked at the end.
"""

import statistics
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q
from django.utils import timezone

from districts.models import Unit, UnitType

from .models import OPEN_STATUSES, Complaint, Status, overdue_q

# Units that receive complaints; zones and ranges supervise and have none of their own.
RECEIVING_TYPES = (
    UnitType.DISTRICT, UnitType.COMMISSIONERATE, UnitType.TRAFFIC, UnitType.OVERSEAS, UnitType.SPECIAL,
)


def noted_target_minutes() -> int:
    return int(getattr(settings, "SLA_NOTED_TARGET_MINUTES", 120))


def period_bounds(period_start, period_end):
    """Dates are whole IST days, the end day included; datetimes are taken as a half-open range."""
    if isinstance(period_start, date) and not isinstance(period_start, datetime):
        period_start = timezone.make_aware(datetime.combine(period_start, time.min))
    if isinstance(period_end, date) and not isinstance(period_end, datetime):
        period_end = timezone.make_aware(datetime.combine(period_end + timedelta(days=1), time.min))
    return period_start, period_end


def _units(units):
    if units is None:
        return list(Unit.objects.active().filter(unit_type__in=RECEIVING_TYPES))
    ids = [u.pk if isinstance(u, Unit) else int(u) for u in units]
    return list(Unit.objects.filter(pk__in=ids))


def _medians_postgresql(start, end, unit_ids):
    sql = f"""
        SELECT unit_id,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY GREATEST(0, EXTRACT(EPOCH FROM noted_at - forwarded_at)))
            FILTER (WHERE noted_at IS NOT NULL AND forwarded_at IS NOT NULL),
          percentile_cont(0.5) WITHIN GROUP (ORDER BY GREATEST(0, EXTRACT(EPOCH FROM resolved_at - forwarded_at)))
            FILTER (WHERE resolved_at IS NOT NULL AND forwarded_at IS NOT NULL)
        FROM {Complaint._meta.db_table}
        WHERE received_at >= %s AND received_at < %s AND unit_id = ANY(%s)
        GROUP BY unit_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end, list(unit_ids)])
        return {
            unit_id: (noted / 60 if noted is not None else None, resolved / 60 if resolved is not None else None)
            for unit_id, noted, resolved in cursor.fetchall()
        }


def _medians_python(start, end, unit_ids):
    spans = {}
    rows = (Complaint.objects.filter(received_at__gte=start, received_at__lt=end, unit_id__in=unit_ids,
                                     forwarded_at__isnull=False)
            .values_list("unit_id", "forwarded_at", "noted_at", "resolved_at").iterator(chunk_size=5000))
    for unit_id, forwarded_at, noted_at, resolved_at in rows:
        to_noted, to_resolved = spans.setdefault(unit_id, ([], []))
        if noted_at:
            to_noted.append(max(0.0, (noted_at - forwarded_at).total_seconds() / 60))
        if resolved_at:
            to_resolved.append(max(0.0, (resolved_at - forwarded_at).total_seconds() / 60))
    return {
        unit_id: (statistics.median(n) if n else None, statistics.median(r) if r else None)
        for unit_id, (n, r) in spans.items()
    }


def _pct(part, whole):
    return round(100.0 * part / whole, 1) if whole else None


def _round(value):
    return round(value, 1) if value is not None else None


def league_table(period_start, period_end, units=None) -> list[dict]:
    """One plain dict per unit, ranked (see the module docstring for each figure)."""
    start, end = period_bounds(period_start, period_end)
    chosen = _units(units)
    unit_ids = [u.pk for u in chosen]
    target = timedelta(minutes=noted_target_minutes())
    cutoff = min(timezone.now(), end)
    open_ = Q(status__in=OPEN_STATUSES)

    counts = {
        row["unit_id"]: row
        for row in Complaint.objects.filter(received_at__gte=start, received_at__lt=end, unit_id__in=unit_ids)
        .values("unit_id")
        .annotate(
            received=Count("id"),
            forwarded=Count("id", filter=Q(forwarded_at__isnull=False)),
            noted=Count("id", filter=Q(noted_at__isnull=False)),
            noted_within_target=Count(
                "id", filter=Q(forwarded_at__isnull=False, noted_at__lte=F("forwarded_at") + target)
            ),
            disposed=Count("id", filter=Q(status__in=(Status.RESOLVED, Status.CLOSED))),
            pending_beyond_target=Count("id", filter=overdue_q(cutoff)),
            not_heard=Count("id", filter=open_ & Q(forwarded_at__isnull=False, noted_at__isnull=True)),
        )
        .order_by()
    }
    medians_for = _medians_postgresql if connection.vendor == "postgresql" else _medians_python
    medians = medians_for(start, end, unit_ids) if counts else {}

    rows = []
    for unit in chosen:
        c = counts.get(unit.pk, {})
        received = c.get("received", 0)
        to_noted, to_resolved = medians.get(unit.pk, (None, None))
        rows.append({
            "rank": None,
            "unit": unit.slug,
            "unit_id": unit.pk,
            "unit_name_en": unit.name_en,
            "unit_name_hi": unit.name_hi,
            "unit_type": unit.unit_type,
            "received": received,
            "forwarded": c.get("forwarded", 0),
            "noted": c.get("noted", 0),
            "noted_within_target": c.get("noted_within_target", 0),
            "noted_within_target_pct": _pct(c.get("noted_within_target", 0), c.get("forwarded", 0)),
            "median_minutes_to_noted": _round(to_noted),
            "median_minutes_to_resolution": _round(to_resolved),
            "disposed": c.get("disposed", 0),
            "disposal_rate_pct": _pct(c.get("disposed", 0), received),
            "pending_beyond_target": c.get("pending_beyond_target", 0),
            "not_heard": c.get("not_heard", 0),
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
    return ranked + unranked
