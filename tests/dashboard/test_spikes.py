"""Spikes: an hour with at least SPIKE_MIN_COUNT complaints for a unit and SPIKE_FACTOR times its average
in the same hour of the week over the four weeks before; and the day's top hashtags and terms."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from complaints import lifecycle
from dashboard import spikes, trending

HOUR = timezone.make_aware(datetime(2026, 11, 25, 14))


@pytest.fixture
def receive(make_complaint, unit):
    def make(slug, when, n, text="sadak jam"):
        for i in range(n):
            lifecycle.forward(make_complaint(text=f"{text} {i}", received_at=when + timedelta(minutes=i)), unit(slug))
    return make


def found(slug_unit):
    return [(s["count"], s["before"]) for s in spikes.find(HOUR, HOUR + timedelta(hours=1)) if s["unit_id"] == slug_unit.pk]


@pytest.mark.parametrize("now, before, spike", [
    (5, [1, 0, 0, 0], True),      # 5 ≥ 3 × 1 (an average below 1 counts as 1)
    (4, [0, 0, 0, 0], False),     # fewer than SPIKE_MIN_COUNT
    (6, [2, 2, 2, 2], True),      # 6 ≥ 3 × 2
    (6, [3, 2, 2, 2], False),     # 6 < 3 × 2.25
])
def test_the_rule(receive, unit, now, before, spike):
    receive("mathura", HOUR, now)
    for weeks, n in enumerate(before, start=1):
        receive("mathura", HOUR - timedelta(weeks=weeks), n)
    receive("mathura", HOUR - timedelta(hours=1), 1)  # another hour of the week does not count
    assert found(unit("mathura")) == ([(now, before)] if spike else [])


def test_other_hours_and_units_are_apart(receive, unit):
    receive("mathura", HOUR, 6)
    receive("meerut", HOUR - timedelta(weeks=1), 6)  # another unit's baseline
    receive("mathura", HOUR + timedelta(hours=1), 6)  # outside the window
    assert found(unit("mathura")) == [(6, [0, 0, 0, 0])] and found(unit("meerut")) == []


def test_top_hashtags_and_terms(db):
    texts = ["#BijliGul Mohalle mein bijli nahi hai @Uppolice https://t.co/x UPP-7K3M9-Q2XCF",
             "#bijligul बिजली नहीं है, कृपया कार्यवाही करें",
             "बिजली चोरी #बिजली", "Bijli gul hai"]
    top = trending.count(texts, top=5)
    assert top["hashtags"][0] == ("#BijliGul", 2)
    terms = dict(top["terms"])
    assert terms["bijli"] == 2 and terms["बिजली"] == 2
    for gone in ("hai", "है", "nahi", "नहीं", "uppolice", "upp", "7k3m9", "कृपया", "bijligul"):
        assert gone not in {t.lower() for t in terms}, gone
