"""The DGP's weekly review (issue #13): the figures of one ISO week (Monday to Sunday, IST) for the
state, each zone, range and receiving unit, the not-heard list per unit, the honour roll of the last
ended month, the spikes of the week, the top hashtags and terms and the X spend; drawn as a PDF by
dashboard.review_pdf, in English or Hindi, and filed (dashboard.review_models.WeeklyReport) every Monday
for the week before.

Units' figures are complaints.stats.league_table's. The figures of a zone, a range and the state add up
their units' counts; their medians are taken over their complaints' own spans (a median of medians is
not a median), counted the way the tallies count them (forwarded → noted / resolved, whole seconds
rounded up). A scope other than the state (a supervisor's unit) covers the units below it."""

import math
import statistics
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation

from complaints import stats, tally
from complaints.models import OPEN_STATUSES, Complaint, Priority
from districts.models import Unit, UnitType

from . import honour_roll, ingest_bridge, roles, spikes, trending
from .review_models import WeeklyReport

NOT_HEARD_LISTED = 25  # codes listed per unit; the rest are counted
SPIKES_LISTED = 40
TOP = 15
COUNTED = ("received", "forwarded", "noted_within_target", "disposed", "not_heard", "pending_beyond_target",
           "urgent", "sensitive")


def parse_week(text: str) -> date:
    """The Monday of an ISO week written 2026-W48."""
    try:
        year, week = text.strip().upper().split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise ValueError(f"Give the week as YYYY-Www, e.g. 2026-W48, not {text!r}.") from None


def week_label(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def last_week(today=None) -> date:
    today = today or timezone.localdate()
    return today - timedelta(days=today.weekday() + 7)


def x_spend(start, end):
    """USD spent on the X API in the week [start, end), from the ingest side's ledger: X bills by UTC day,
    so the UTC days dated from the week's Monday to its Sunday. None (the report says "not yet measured")
    when there is no ledger."""
    spent = ingest_bridge.x_spend(timezone.localtime(start).date(), timezone.localtime(end).date())
    return None if spent is None else spent.quantize(Decimal("0.001"))


def state_unit() -> Unit:
    return Unit.objects.get(unit_type=UnitType.STATE)


def scope_of(user):
    """Whose report a login gets: HQ the state's, a supervisor the one of their own unit (and below)."""
    if roles.is_hq(user):
        return state_unit()
    return roles.profile(user).unit


def _receiving(scope):
    units = Unit.objects.active().filter(unit_type__in=stats.RECEIVING_TYPES)
    if scope is not None and scope.unit_type != UnitType.STATE:
        units = units.filter(pk__in=scope.subtree_ids())  # a commissionerate receives complaints itself
    return list(units)


def _groups(scope):
    """Zones and ranges in the scope, with the receiving units below each."""
    groups = Unit.objects.active().filter(unit_type__in=(UnitType.ZONE, UnitType.RANGE))
    if scope is not None and scope.unit_type != UnitType.STATE:
        groups = groups.filter(pk__in=scope.subtree_ids())
    parents = dict(Unit.objects.values_list("pk", "parent_id"))

    def below(group_id, unit_id):
        seen = unit_id
        while seen is not None:
            seen = parents.get(seen)
            if seen == group_id:
                return True
        return False

    return [(g, lambda unit_id, g=g: below(g.pk, unit_id)) for g in groups.order_by("unit_type", "name_en")]


def _minutes(spans):
    return round(statistics.median(spans) / 60, 1) if spans else None


def _spans(start, end, unit_ids):
    """Per unit: seconds forwarded → noted and forwarded → resolved of the complaints received in the week."""
    out = {}
    rows = (Complaint.objects.filter(received_at__gte=start, received_at__lt=end, unit_id__in=unit_ids,
                                     forwarded_at__isnull=False)
            .order_by().values_list("unit_id", "forwarded_at", "noted_at", "resolved_at"))
    for unit_id, forwarded, noted, resolved in rows:
        noted_spans, resolved_spans = out.setdefault(unit_id, ([], []))
        if noted:
            noted_spans.append(max(0, math.ceil((noted - forwarded).total_seconds())))
        if resolved:
            resolved_spans.append(max(0, math.ceil((resolved - forwarded).total_seconds())))
    return out


def _urgent_sensitive(start, end, unit_ids):
    rows = (Complaint.objects.filter(received_at__gte=start, received_at__lt=end, unit_id__in=unit_ids).order_by()
            .values("unit_id").annotate(urgent=Count("id", filter=Q(priority=Priority.URGENT)),
                                        sensitive=Count("id", filter=Q(is_restricted=True))))
    return {r["unit_id"]: (r["urgent"], r["sensitive"]) for r in rows}


def _total(name_en, name_hi, rows, spans):
    """A zone's, range's or the state's line: counts added up, medians over the complaints' own spans."""
    line = {"unit_name_en": name_en, "unit_name_hi": name_hi}
    for key in COUNTED:
        line[key] = sum(r[key] for r in rows)
    line["noted_within_target_pct"] = stats._pct(line["noted_within_target"], line["forwarded"])
    line["disposal_rate_pct"] = stats._pct(line["disposed"], line["received"])
    noted = [s for r in rows for s in spans.get(r["unit_id"], ([], []))[0]]
    resolved = [s for r in rows for s in spans.get(r["unit_id"], ([], []))[1]]
    line["median_minutes_to_noted"] = _minutes(noted)
    line["median_minutes_to_resolution"] = _minutes(resolved)
    # Figures that complaints.stats may not give yet count as missing ("—"), never as zero.
    line["reopened"] = sum(r["reopened"] for r in rows) if rows and all(
        r.get("reopened") is not None for r in rows) else None
    if rows and all("satisfied" in r for r in rows):
        satisfied, unhappy = sum(r["satisfied"] for r in rows), sum(r["not_satisfied"] for r in rows)
        line["satisfaction_pct"] = stats._pct(satisfied, satisfied + unhappy)
    else:
        line["satisfaction_pct"] = None
    return line


def _not_heard(start, end, unit_ids, now):
    """Forwarded, still open and never noted (complaints.stats' not_heard), per unit, oldest first."""
    listed = {}
    rows = (Complaint.objects.filter(received_at__gte=start, received_at__lt=end, unit_id__in=unit_ids,
                                     forwarded_at__isnull=False, noted_at__isnull=True, status__in=OPEN_STATUSES)
            .order_by("unit_id", "forwarded_at").values_list("unit_id", "tracking_code", "forwarded_at"))
    for unit_id, code, forwarded in rows:
        listed.setdefault(unit_id, []).append(
            {"code": code, "forwarded_at": forwarded, "hours": round((now - forwarded).total_seconds() / 3600, 1)})
    return listed


def figures(monday: date, scope: Unit | None = None, now=None) -> dict:
    """Everything the report shows for the week starting on `monday`, as plain data."""
    now = now or timezone.now()
    first, last = monday, monday + timedelta(days=6)
    start, end = tally.day_bounds(first)[0], tally.day_bounds(last)[1]
    scope = scope or state_unit()
    units = _receiving(scope)
    unit_ids = [u.pk for u in units]
    table = stats.league_table(first, last, units)
    extra = _urgent_sensitive(start, end, unit_ids)
    for row in table:
        row["urgent"], row["sensitive"] = extra.get(row["unit_id"], (0, 0))
        row.setdefault("reopened", None)
        row.setdefault("satisfaction_pct", None)
    spans = _spans(start, end, unit_ids)
    by_id = {r["unit_id"]: r for r in table}
    groups = []
    for group, contains in _groups(scope):
        members = [r for uid, r in by_id.items() if contains(uid)]
        if members:
            groups.append({**_total(group.name_en, group.name_hi, members, spans), "unit_type": group.unit_type})
    month, rolls = honour_roll.latest(today=last + timedelta(days=1))
    names = {u.pk: u for u in units}
    unit_spikes = spikes.find(start, end, unit_ids if scope.unit_type != UnitType.STATE else None)
    unit_spikes.sort(key=lambda s: (-s["ratio"], -s["count"]))
    return {
        "week": week_label(monday), "first": first, "last": last, "scope": scope,
        "final": end <= now, "generated_at": timezone.localtime(now),
        "state": _total(scope.name_en, scope.name_hi, table, spans),
        "zones": [g for g in groups if g["unit_type"] == UnitType.ZONE],
        "ranges": [g for g in groups if g["unit_type"] == UnitType.RANGE],
        "units": [r for r in table if r["received"]],
        "quiet_units": sum(1 for r in table if not r["received"]),
        "not_heard": [(names[uid], codes) for uid, codes in sorted(
            _not_heard(start, end, unit_ids, now).items(), key=lambda item: -len(item[1]))],
        "honour_month": month, "honour_rolls": rolls,
        "spikes": [{**s, "unit": names.get(s["unit_id"])} for s in unit_spikes[:SPIKES_LISTED]],
        "spike_count": len(unit_spikes), "spike_min": spikes.min_count(), "spike_factor": f"{spikes.factor():g}",
        "trending": trending.between(start, end, TOP),
        "x_spend": x_spend(start, end),
    }


def build(monday: date, language: str, scope: Unit | None = None, now=None) -> bytes:
    """The report as PDF bytes, in `language` ("en" or "hi")."""
    from .review_pdf import render

    with translation.override(language):
        return render(figures(monday, scope, now), language)


def file(monday: date, language: str, scope: Unit | None = None, by: str = "") -> WeeklyReport:
    """The filed report of an ended week, filing it first if nobody has (a week still running is never
    filed: its figures are not final)."""
    scope = scope or state_unit()
    kept = WeeklyReport.objects.filter(week_start=monday, scope=scope, language=language).first()
    if kept:
        return kept
    if tally.day_bounds(monday + timedelta(days=6))[1] > timezone.now():
        raise ValueError(f"The week {week_label(monday)} has not ended; it can be drawn but not filed.")
    pdf = build(monday, language, scope)
    try:
        with transaction.atomic():
            return WeeklyReport.objects.create(week_start=monday, scope=scope, language=language, pdf=pdf,
                                               filed_by=by)
    except IntegrityError:  # filed at the same moment elsewhere: that one stands
        return WeeklyReport.objects.get(week_start=monday, scope=scope, language=language)


def file_last_week(today=None) -> list[WeeklyReport]:
    """The beat's Monday job: the state's report of the week just ended, in English and Hindi."""
    monday = last_week(today)
    return [file(monday, language, by="beat") for language in ("en", "hi")]
