"""The reviewed lexicon and the towns are data with a reason for every entry; the labelled corpora
(eval.jsonl measured only, dev.jsonl and train.jsonl studied) pass their check and stay apart."""

import csv
import json
import shutil
import subprocess
import sys
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


CORPORA = ROOT / "fixtures/triage"
# The issue's traps: each must be in the blind evaluation set several times.
ISSUE_TRAPS = ("ack-own-words", "update-not-ack", "other-unit-reply", "unit-not-concerned", "citizen-asks-cognizance",
               "citizen-quotes-noted", "hq-forward-not-ack", "sensitive-unlisted-term", "sensitive-lookalike",
               "inflected-urgent", "urgent-lookalike", "road-named-after-town", "village-named-after-town",
               "colony-named-after-town", "generic-station-name", "old-or-hq-town-name", "place-word-not-place",
               "home-vs-incident", "appreciation-not-complaint", "greeting-not-complaint", "thanks-but-complaint",
               "unit-good-work-post", "hinglish-lang-tag", "devanagari-lang-tag", "status-code-typed-loosely")


def _corpus(name):
    with open(CORPORA / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="module")
def corpus_report():
    result = subprocess.run([sys.executable, "bench/triage_corpus_check.py", "--json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    return result, json.loads(result.stdout.strip().splitlines()[-1])


SETS = (("eval.jsonl", "v"), ("dev.jsonl", "e"), ("train.jsonl", "t"), ("dev_more.jsonl", "d"), ("dev_hard.jsonl", "h"),
        ("dev_blind.jsonl", "b"), ("dev_round3.jsonl", "r"))


def test_the_corpora_pass_their_check_and_stay_apart(corpus_report):
    result, report = corpus_report
    assert result.returncode == 0 and report["errors"] == 0, result.stdout[-3000:]
    assert set(report) >= {"eval", "dev", "train", "dev_more", "dev_hard", "dev_blind", "dev_round3"}
    assert report["dev_blind"]["lines"] >= 150 and report["dev_round3"]["lines"] >= 90
    assert report["eval"]["lines"] >= 330
    assert report["dev"]["lines"] == 447 and report["train"]["lines"] == 644
    assert report["dev_more"]["lines"] == 104 and report["dev_hard"]["lines"] >= 150


def test_each_set_has_its_own_id_prefix():
    for name, prefix in SETS:
        ids = [row["id"] for row in _corpus(name)]
        assert all(i.startswith(prefix) and len(i) == 5 for i in ids), name
        assert len(set(ids)) == len(ids), name


def test_the_check_fails_on_a_line_copied_from_another_set(tmp_path):
    for name, _ in SETS:
        shutil.copy(CORPORA / name, tmp_path / name)
    copied = _corpus("dev.jsonl")[0]
    copied["id"] = "v9999"
    with open(tmp_path / "eval.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(copied, ensure_ascii=False) + "\n")
    result = subprocess.run([sys.executable, "bench/triage_corpus_check.py", "--dir", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert f"v9999 ~ {_corpus('dev.jsonl')[0]['id']} (identical)" in result.stdout


def test_the_check_covers_the_hand_written_development_sets(tmp_path):
    for name, _ in SETS:
        shutil.copy(CORPORA / name, tmp_path / name)
    copied = _corpus("dev_hard.jsonl")[0]
    copied["id"] = "d9999"
    copied["author"] = "someone_else_1"
    with open(tmp_path / "dev_more.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(copied, ensure_ascii=False) + "\n")
    result = subprocess.run([sys.executable, "bench/triage_corpus_check.py", "--dir", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert f"d9999 ~ {_corpus('dev_hard.jsonl')[0]['id']} (identical)" in result.stdout


def test_the_evaluation_set_mixes_like_the_mentions_it_stands_for(corpus_report):
    _, report = corpus_report
    ev = report["eval"]
    assert ev["districts_covered"] == 75
    assert ev["author_kind"].get("unit", 0) >= 60 and ev["author_kind"].get("hq", 0) >= 15
    lines = ev["lines"]
    for script in ("hindi", "hinglish"):
        share = int(ev["script"][script].split()[0]) / lines
        assert 0.25 <= share <= 0.45, script
    assert {"in", "und", "tl", "qme"} <= set(ev["hinglish_lang_tag"])
    for trap in ISSUE_TRAPS:
        assert ev["traps"].get(trap, 0) >= 3, trap
    assert ev["urgent"] >= 30 and ev["sensitive"] >= 30


def test_the_evaluation_set_is_refused_for_study_even_renamed(tmp_path):
    renamed = tmp_path / "copy.jsonl"
    shutil.copy(CORPORA / "eval.jsonl", renamed)
    result = subprocess.run([sys.executable, "bench/triage_eval.py", "--corpus", str(renamed), "--mistakes"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "only measured" in result.stderr
