"""The reviewed lexicon and the towns are data with a reason for every entry."""

import csv
from pathlib import Path

import pytest

from complaints.triage.lexicon import FIELDS, parse_requires, read_fixture
from complaints.triage.normalise import term_keys
from complaints.triage.places import TOWNS
from complaints.triage.terms import TermClass

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rows():
    with open(ROOT / "fixtures/triage/lexicon.csv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == FIELDS
        return list(reader)


def test_every_term_has_a_known_class_language_and_a_source(rows):
    assert len(rows) > 1000
    for row in rows:
        assert row["class"] in TermClass.values, row
        assert row["language"] in ("hi", "hinglish", "en"), row
        assert len(row["source"].strip()) >= 10, row


def test_every_term_matches_something_and_stars_only_end_it(rows):
    for row in rows:
        term = row["term"]
        assert term == term.strip() and term, row
        assert "*" not in term.rstrip("*") and term.count("*") <= 1, row
        assert term_keys(term.replace("*", " ")), row


def test_requirements_name_classes_that_have_terms(rows):
    classes = {row["class"] for row in rows}
    for row in rows:
        for group in parse_requires(row["requires"]):
            assert set(group) <= classes, row


def test_no_term_is_listed_twice_in_one_class(rows):
    seen = set()
    for row in rows:
        key = (row["term"].casefold(), row["class"])
        assert key not in seen, row
        seen.add(key)


def test_each_reading_has_its_words(rows):
    counts = {}
    for row in rows:
        counts[row["class"]] = counts.get(row["class"], 0) + 1
    for cls in ("urgent", "sensitive", "acknowledgement", "disposal", "appreciation", "greeting",
                "cognizance_request", "not_urgent", "not_sensitive", "not_concerned"):
        assert counts.get(cls, 0) >= 20, cls
    scripts = {(row["class"], row["language"]) for row in rows}
    for cls in ("urgent", "sensitive", "acknowledgement"):
        assert {(cls, "hi"), (cls, "hinglish"), (cls, "en")} <= scripts, cls


def test_the_fixture_loads_as_terms():
    terms = read_fixture()
    assert all(t.origin == "fixture" for t in terms)
    assert any(t.requires for t in terms)


def test_towns_belong_to_districts_of_the_registry_and_say_why():
    with open(ROOT / "fixtures/units.csv", encoding="utf-8") as fh:
        districts = {r["slug"] for r in csv.DictReader(fh) if r["unit_type"] == "district"}
    with open(TOWNS, encoding="utf-8", newline="") as fh:
        towns = list(csv.DictReader(fh))
    assert len(towns) > 500
    assert {t["unit"] for t in towns} <= districts
    assert len({t["unit"] for t in towns}) == 75
    for town in towns:
        assert town["kind"] in ("town", "locality") and town["source"] and town["name_en"], town
