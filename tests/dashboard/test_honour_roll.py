"""The monthly honour roll: HQ's rules applied to the league figures of an ended month, decided once and
kept as decided (a later change to complaints or to a rule does not change it), and exported."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from complaints import lifecycle
from dashboard import honour_roll
from dashboard.review_models import HonourRoll, HonourRule


def at(month, day, hour=10):
    return timezone.make_aware(datetime(2026, month, day, hour))


@pytest.fixture
def months(make_complaint, unit):
    """September and October 2026. Meerut: 4 received each month, 1 then 3 disposed. Bareilly: 4 each
    month, 2 and 2 disposed. Agra: 2 in October, both disposed (under the minimum volume of 3)."""
    def complaints(slug, month, received, disposed):
        for i in range(received):
            c = lifecycle.forward(make_complaint(text=f"{slug} {month} {i}", received_at=at(month, 5 + i)),
                                  unit(slug), at=at(month, 5 + i, 11))
            if i < disposed:
                c = lifecycle.note(c, at=at(month, 5 + i, 12))
                c = lifecycle.report(c, "Karyavahi ki gayi")
                lifecycle.resolve(c, at=at(month, 5 + i, 13))

    complaints("meerut", 9, 4, 1)
    complaints("bareilly", 9, 4, 2)
    complaints("meerut", 10, 4, 3)
    complaints("bareilly", 10, 4, 2)
    complaints("agra", 10, 2, 2)
    HonourRule.objects.update(min_received=3)


def names(roll):
    return [(e["place"], e["unit"], e["value"]) for e in roll.entries]


def test_best_and_most_improved(months):
    rolls = {r.rule.name_en: r for r in honour_roll.decide(date(2026, 10, 1), today=date(2026, 11, 2))}
    assert names(rolls["Best disposal rate"]) == [(1, "meerut", 75.0), (2, "bareilly", 50.0)]  # Agra: too few
    improved = rolls["Most improved disposal rate"].entries
    assert [(e["unit"], e["previous"], e["value"], e["change"]) for e in improved] == [("meerut", 25.0, 75.0, 50.0)]


def test_a_decided_month_is_kept_as_decided(months, make_complaint, unit):
    first = {r.pk: (r.entries, r.rule_snapshot) for r in honour_roll.decide(date(2026, 10, 1), today=date(2026, 11, 2))}
    for i in range(6):  # Bareilly disposes of a lot more, late; and HQ changes the rule
        c = lifecycle.forward(make_complaint(text=f"late {i}", received_at=at(10, 20)), unit("bareilly"))
        lifecycle.resolve(lifecycle.report(lifecycle.note(c), "Karyavahi ki gayi"))
    HonourRule.objects.update(places=1, min_received=1)
    again = {r.pk: (r.entries, r.rule_snapshot) for r in honour_roll.decide(date(2026, 10, 1), today=date(2026, 12, 2))}
    assert again == first
    assert HonourRoll.objects.count() == HonourRule.objects.count()
    # A month decided after the change goes by the rule as it is now.
    november = honour_roll.decide(date(2026, 11, 1), today=date(2026, 12, 2))
    assert all(r.rule_snapshot["places"] == 1 for r in november)


def test_a_month_not_ended_is_not_decided(db):
    with pytest.raises(ValueError):
        honour_roll.decide(date(2026, 11, 1), today=date(2026, 11, 30))


def test_the_export_lists_the_honoured_units(months, client_for, hq):
    honour_roll.decide(date(2026, 10, 1), today=date(2026, 11, 2))
    response = client_for(hq).get("/export/honour-roll.csv", {"month": "2026-10"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Best disposal rate,1,Meerut,Disposal rate (%),75.0" in text
