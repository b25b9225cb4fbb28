"""The league table (complaints.stats.league_table) shared with the dashboard."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from complaints import lifecycle, stats, tally
from complaints.models import Complaint
from dashboard import sla
from dashboard.models import SlaTarget

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return timezone.make_aware(datetime(2026, 10, day, hour, minute))


def filed(make_complaint, unit, slug, day, hour, *, noted_after=None, resolve_after=None):
    c = make_complaint(received_at=at(day, hour))
    lifecycle.forward(c, unit(slug), at=at(day, hour, 10))
    if noted_after is not None:
        lifecycle.note(c, at=at(day, hour, 10) + timedelta(minutes=noted_after))
        if resolve_after is not None:
            lifecycle.report(c, "Matter settled at the police station.")
            lifecycle.resolve(c, at=at(day, hour, 10) + timedelta(minutes=resolve_after))
    return c


@pytest.fixture
def october(make_complaint, unit):
    f = lambda *a, **k: filed(make_complaint, unit, *a, **k)  # noqa: E731
    return {
        "meerut": [f("meerut", 3, 9, noted_after=30, resolve_after=600), f("meerut", 4, 9, noted_after=90, resolve_after=300),
                   f("meerut", 5, 9, noted_after=300)],
        "bareilly": [f("bareilly", 3, 9, noted_after=10, resolve_after=100), f("bareilly", 6, 9)],
        "outside": [f("meerut", 20, 9, noted_after=5, resolve_after=10)],
    }


def row(rows, slug):
    return next(r for r in rows if r["unit"] == slug)


def test_figures_per_unit(october, unit):
    rows = stats.league_table(date(2026, 10, 1), date(2026, 10, 10))
    meerut, bareilly = row(rows, "meerut"), row(rows, "bareilly")
    assert (meerut["received"], meerut["forwarded"], meerut["noted"]) == (3, 3, 3)
    assert meerut["noted_within_target"] == 2 and meerut["noted_within_target_pct"] == 66.7
    assert meerut["median_minutes_to_noted"] == 90.0
    assert meerut["median_minutes_to_resolution"] == 450.0
    assert (meerut["disposed"], meerut["disposal_rate_pct"]) == (2, 66.7)
    assert (bareilly["received"], bareilly["not_heard"], bareilly["disposal_rate_pct"]) == (2, 1, 50.0)
    assert bareilly["median_minutes_to_noted"] == 10.0
    assert meerut["rank"] == 1 and bareilly["rank"] == 2
    agra = row(rows, "agra")
    assert agra["rank"] is None and agra["received"] == 0 and agra["disposal_rate_pct"] is None
    assert rows.index(agra) > rows.index(bareilly)


def test_target_is_the_deadline_set_on_reaching_the_unit(make_complaint, unit):
    """The SLA target for Noted (20 working minutes here) applies, not a wall-clock setting."""
    SlaTarget.objects.update(noted_minutes=20)
    sla.forget_rules()
    quick = filed(make_complaint, unit, "meerut", 3, 9, noted_after=15)
    filed(make_complaint, unit, "meerut", 4, 9, noted_after=30)
    # forwarded at 21:50, the shifts end at 22:00: 10 working minutes that day, 10 from 08:00 next day
    late_evening = make_complaint(received_at=at(5, 21, 40))
    lifecycle.forward(late_evening, unit("meerut"), at=at(5, 21, 50))
    assert Complaint.objects.get(pk=quick.pk).noted_due_at == at(3, 9, 30)
    assert Complaint.objects.get(pk=late_evening.pk).noted_due_at == at(6, 8, 10)
    lifecycle.note(late_evening, at=at(6, 8, 5))  # ten hours later, yet within twenty working minutes
    meerut = row(stats.league_table(date(2026, 10, 1), date(2026, 10, 10)), "meerut")
    assert (meerut["noted"], meerut["noted_within_target"]) == (3, 2)


def test_without_a_recorded_deadline_the_setting_applies(october, settings):
    """Complaints forwarded before deadlines for Noted were kept fall back to SLA_NOTED_TARGET_MINUTES."""
    Complaint.objects.update(noted_due_at=None)
    tally.rebuild()
    assert row(stats.league_table(date(2026, 10, 1), date(2026, 10, 10)), "meerut")["noted_within_target"] == 2
    settings.SLA_NOTED_TARGET_MINUTES = 20
    tally.rebuild()
    assert row(stats.league_table(date(2026, 10, 1), date(2026, 10, 10)), "meerut")["noted_within_target"] == 0


def test_pending_beyond_target(october):
    late = october["bareilly"][1]  # received on 6 October
    Complaint.objects.filter(pk=late.pk).update(sla_due_at=at(7, 12))
    assert row(stats.league_table(date(2026, 10, 1), date(2026, 10, 10)), "bareilly")["pending_beyond_target"] == 1
    # at the end of a period before the deadline it was not yet late
    assert row(stats.league_table(date(2026, 10, 1), date(2026, 10, 6)), "bareilly")["pending_beyond_target"] == 0


def test_periods_are_whole_days(october):
    with pytest.raises(TypeError):
        stats.league_table(at(1, 0), at(6, 11))


def test_units_argument_and_query_count(october, unit, django_assert_max_num_queries):
    stats.league_table(date(2026, 10, 1), date(2026, 10, 31))  # recounts the days the fixture changed
    # units, "any day to recount?", the tallies, the live overdue count
    meerut, bareilly = unit("meerut"), unit("bareilly").pk
    with django_assert_max_num_queries(4):
        rows = stats.league_table(date(2026, 10, 1), date(2026, 10, 31), units=[meerut, bareilly])
    assert [r["unit"] for r in rows] == ["meerut", "bareilly"] or [r["unit"] for r in rows] == ["bareilly", "meerut"]
    assert row(rows, "meerut")["received"] == 4
