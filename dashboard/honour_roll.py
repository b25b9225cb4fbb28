"""The monthly honour roll: for each of HQ's rules (dashboard.review_models.HonourRule), the units that
did best, or improved most on the month before, by one league figure (complaints.stats), among units
that received at least the rule's minimum number of complaints.

A month is decided once, after it has ended, and kept with a copy of the rule as applied: later changes
to complaints (a late disposal recounted in the tallies) or to the rule do not change a decided month.
Ties at equal figures go to the unit with more complaints, then by name."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from complaints import stats
from districts.models import UnitType

from .review_models import LOWER_IS_BETTER, HonourMethod, HonourMetric, HonourRoll, HonourRule

HONOURED_TYPES = (UnitType.DISTRICT, UnitType.COMMISSIONERATE)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def previous_month(first: date) -> date:
    return month_start(first - timedelta(days=1))


def last_ended_month(today=None) -> date:
    return previous_month(month_start(today or timezone.localdate()))


def _table(first):
    return stats.league_table(first, month_end(first))


def entries(rule, table, previous=None):
    """The honoured units of one rule over a league table (and the month before's, for most improved)."""
    def eligible(row):
        return (row["received"] >= rule.min_received and row.get(rule.metric) is not None
                and (not rule.districts_only or row["unit_type"] in HONOURED_TYPES))

    sign = 1 if rule.metric in LOWER_IS_BETTER else -1  # sorting ascending puts the best first
    if rule.method == HonourMethod.MOST_IMPROVED:
        before = {r["unit_id"]: r for r in (previous or []) if eligible(r)}
        scored = []
        for row in filter(eligible, table):
            old = before.get(row["unit_id"])
            if old is None:
                continue
            change = round(row[rule.metric] - old[rule.metric], 1)
            if change * -sign > 0:  # improved: up for most figures, down for the median
                scored.append((change * sign, row, old[rule.metric], change))
    else:
        scored = [(row[rule.metric] * sign, row, None, None) for row in table if eligible(row)]
    scored.sort(key=lambda s: (s[0], -s[1]["received"], s[1]["unit_name_en"]))
    return [
        {"place": place, "unit": row["unit"], "unit_id": row["unit_id"], "name_en": row["unit_name_en"],
         "name_hi": row["unit_name_hi"], "value": row[rule.metric], "previous": old, "change": change,
         "received": row["received"]}
        for place, (_key, row, old, change) in enumerate(scored[: rule.places], start=1)
    ]


def decide(first: date, today=None) -> list[HonourRoll]:
    """Decide every active rule not yet decided for the month that starts on `first` (it must have
    ended); rolls already decided are returned as kept."""
    first = month_start(first)
    if month_end(first) >= (today or timezone.localdate()):
        raise ValueError(f"{first:%Y-%m} has not ended yet; a month is decided after its last day.")
    kept = {roll.rule_id: roll for roll in HonourRoll.objects.filter(month=first).select_related("rule")}
    todo = [rule for rule in HonourRule.objects.filter(is_active=True) if rule.pk not in kept]
    if todo:
        table = _table(first)
        previous = _table(previous_month(first)) if any(r.method == HonourMethod.MOST_IMPROVED for r in todo) else None
        for rule in todo:
            try:
                with transaction.atomic():
                    kept[rule.pk] = HonourRoll.objects.create(
                        month=first, rule=rule, rule_snapshot=rule.snapshot(),
                        entries=entries(rule, table, previous))
            except IntegrityError:  # decided at the same moment elsewhere: that one stands
                kept[rule.pk] = HonourRoll.objects.get(month=first, rule=rule)
    return sorted(kept.values(), key=lambda r: (r.rule.order, r.rule_id))


def for_month(first: date) -> list[HonourRoll]:
    """The month's decided rolls, in the rules' order, without deciding anything."""
    return list(HonourRoll.objects.filter(month=month_start(first)).select_related("rule")
                .order_by("rule__order", "rule_id"))


def latest(today=None) -> tuple[date, list[HonourRoll]]:
    """The last ended month and its rolls, deciding them if that has not happened yet."""
    first = last_ended_month(today)
    return first, decide(first, today)


def rows(rolls, hindi=False):
    """Header and rows for the CSV/XLSX export of decided rolls."""
    from django.utils.translation import gettext as _

    yield [_("Month"), _("Rule"), _("Place"), _("Unit"), _("Figure"), _("Value"), _("Month before"),
           _("Change"), _("Received")]
    for roll in rolls:
        rule = roll.rule_snapshot
        for entry in roll.entries:
            yield [f"{roll.month:%Y-%m}", rule["name_hi"] if hindi else rule["name_en"], entry["place"],
                   (entry["name_hi"] or entry["name_en"]) if hindi else entry["name_en"],
                   str(HonourMetric(rule["metric"]).label),
                   entry["value"], entry["previous"], entry["change"], entry["received"]]
