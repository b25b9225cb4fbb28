"""Checks the triage corpora (fixtures/triage/eval.jsonl, dev.jsonl, train.jsonl, dev_more.jsonl,
dev_hard.jsonl, dev_blind.jsonl and dev_round3.jsonl): the schema of every line,
that labels agree with the units registry, that ids carry their set's prefix, that no two sets share a writer
or an identical or near-identical text, and prints counts per label, language, script and trap. Exits 1 on
any error.

    .venv/bin/python bench/triage_corpus_check.py [--dir fixtures/triage] [--json]

Needs no database: units and police stations are read from fixtures/units.csv and fixtures/stations.csv.
With --json the last line is one JSON object with the counts (as the other bench scripts print).
"""

import argparse
import collections
import csv
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = {"complaint", "follow_up", "acknowledgement", "district_update", "appreciation", "greeting",
         "status_request", "noise"}
AUTHOR_KINDS = {"citizen", "unit", "hq", "other"}
CATEGORIES = {"action", "information", "not-police"}
REPLY_TO = {"hq_forward", "own_complaint", "unit_post"}
KEYS = {"id", "text", "lang", "author", "author_kind", "author_unit", "context", "labels", "trap", "note"}
LABEL_KEYS = {"kind", "urgent", "urgent_terms", "sensitive", "sensitive_terms", "unit", "thana", "category",
              "reply_language"}
HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")
LANG_TAG = re.compile(r"[a-z]{2,3}")
TRAP = re.compile(r"[a-z0-9-]+(\+[a-z0-9-]+)*")
# Near-duplicate: most of the words shared (same template, a word or two changed).
NEAR_JACCARD = 0.5
SHORT_WORDS = 3  # lines this short are compared for identity only
# Each set keeps to itself: eval is measured only, dev was studied while tuning, train builds the rules,
# dev_more and dev_hard are hand-written development cases studied line by line; dev_blind was written
# before its writer read the word lists or the rules, and measured once before any change; dev_round3 was
# written the same way, aimed at greetings, thanks that complain, inflected danger and unlisted sensitive words.
SETS = {"eval": "v", "dev": "e", "train": "t", "dev_more": "d", "dev_hard": "h", "dev_blind": "b",
        "dev_round3": "r"}

DEVANAGARI = re.compile(r"[\u0900-\u097f]")
LATIN = re.compile(r"[A-Za-z]")
NOT_PROSE = re.compile(r"@\w+|#\w+|https?://\S+|\bUPP[-\w]*", re.IGNORECASE)
WORD = re.compile(r"[\w\u0900-\u097f]+")


def load_registry():
    with open(ROOT / "fixtures/units.csv", encoding="utf-8") as fh:
        units = {row["slug"]: row for row in csv.DictReader(fh)}
    with open(ROOT / "fixtures/stations.csv", encoding="utf-8") as fh:
        stations = {row["name_en"]: row["unit"] for row in csv.DictReader(fh)}
    with open(ROOT / "fixtures/accounts.csv", encoding="utf-8") as fh:
        accounts = {row["handle"].lower(): row["unit"] for row in csv.DictReader(fh)}
    covered = {slug for slug, row in units.items() if row["unit_type"] == "district"
               and units.get(row["parent"], {}).get("unit_type") == "commissionerate"}
    return units, stations, accounts, covered


def fold(text):
    text = unicodedata.normalize("NFKC", text).replace("\u093c", "")
    return "".join(ch for ch in text if ch not in "\u200b\u200c\u200d\u2060\ufeff").casefold()


def script(row):
    """hindi (Devanagari), hinglish (Latin, Hindi reply), english, mixed (both scripts), none (no words)."""
    prose = NOT_PROSE.sub(" ", row["text"])
    dev, lat = len(DEVANAGARI.findall(prose)), len(LATIN.findall(prose))
    if dev + lat == 0:
        return "none"
    if min(dev, lat) / (dev + lat) >= 0.25:
        return "mixed"
    if dev > lat:
        return "hindi"
    return "hinglish" if row["labels"]["reply_language"] == "hi" else "english"


def words(text):
    return [w for w in WORD.findall(fold(NOT_PROSE.sub(" ", text))) if not w.isdigit()]


def check_row(row, where, registry, errors):
    units, stations, accounts, covered = registry

    def err(msg):
        errors.append(f"{where} {row.get('id', '?')}: {msg}")

    if set(row) != KEYS:
        return err(f"keys {sorted(set(row) ^ KEYS)} differ from the schema")
    labels = row["labels"]
    if not isinstance(labels, dict) or set(labels) != LABEL_KEYS:
        return err("labels keys differ from the schema")
    if not isinstance(row["text"], str) or not row["text"].strip():
        err("empty text")
    if not LANG_TAG.fullmatch(row["lang"] or ""):
        err(f"lang {row['lang']!r} is not an X language tag")
    if not HANDLE.fullmatch(row["author"] or ""):
        err(f"author {row['author']!r} is not an X handle")
    kind_of_author = row["author_kind"]
    if kind_of_author not in AUTHOR_KINDS:
        err(f"author_kind {kind_of_author!r}")
    if kind_of_author == "unit":
        if row["author_unit"] not in units:
            err(f"author_unit {row['author_unit']!r} is not a unit")
        elif accounts.get(row["author"].lower()) != row["author_unit"]:
            err(f"@{row['author']} is not {row['author_unit']}'s account in accounts.csv")
    elif row["author_unit"] is not None:
        err("author_unit set for an author that is not a unit")
    context = row["context"]
    if context is not None:
        if not isinstance(context, dict) or context.get("reply_to") not in REPLY_TO:
            err(f"context {context!r}")
        elif context["reply_to"] == "hq_forward":
            if set(context) != {"reply_to", "forwarded_to"} or context["forwarded_to"] not in units:
                err("an hq_forward context needs forwarded_to with a unit slug")
        elif set(context) != {"reply_to"}:
            err("only hq_forward contexts carry forwarded_to")
    kind = labels["kind"]
    if kind not in KINDS:
        err(f"kind {kind!r}")
    if kind in ("acknowledgement", "district_update"):
        if kind_of_author != "unit" or not context or context.get("reply_to") != "hq_forward":
            err(f"{kind} must come from a unit in the thread of HQ's forward")
    if kind == "acknowledgement" and context and context.get("forwarded_to") != row["author_unit"]:
        err("an acknowledgement comes from the unit the complaint was forwarded to")
    folded = fold(row["text"])
    for flag, terms in (("urgent", "urgent_terms"), ("sensitive", "sensitive_terms")):
        if not isinstance(labels[flag], bool) or not isinstance(labels[terms], list):
            err(f"{flag}/{terms} types")
            continue
        if labels[flag] != bool(labels[terms]):
            err(f"{flag} is {labels[flag]} but {terms} is {labels[terms]}")
        for term in labels[terms]:
            if fold(term) not in folded:
                err(f"{terms}: {term!r} is not in the text")
    unit = labels["unit"]
    if unit is not None:
        if unit not in units:
            err(f"unit {unit!r} is not in units.csv")
        elif unit in covered:
            err(f"unit {unit!r} is covered by the commissionerate {units[unit]['parent']}")
    if labels["thana"] is not None and stations.get(labels["thana"]) != unit:
        err(f"thana {labels['thana']!r} is not a station of {unit!r} in stations.csv")
    if kind == "complaint":
        if labels["category"] not in CATEGORIES:
            err(f"a complaint needs a category, got {labels['category']!r}")
    elif labels["category"] is not None:
        err("category is only for complaints")
    if labels["reply_language"] not in ("hi", "en"):
        err(f"reply_language {labels['reply_language']!r}")
    elif script(row) == "hindi" and labels["reply_language"] != "hi":
        err("Devanagari text with an English reply")
    if row["trap"] is not None and not TRAP.fullmatch(row["trap"]):
        err(f"trap {row['trap']!r} is not tag[+tag...]")
    if not isinstance(row["note"], str) or not row["note"].strip():
        err("note is empty")


def near_duplicates(eval_rows, train_rows):
    """Pairs (id in the first set, id in the second, why) that are identical or share most of their words."""
    found = []
    index = collections.defaultdict(set)
    train_words = []
    for i, row in enumerate(train_rows):
        ws = set(words(row["text"]))
        train_words.append(ws)
        for w in ws:
            index[w].add(i)
    exact = {" ".join(words(r["text"])): r["id"] for r in train_rows}
    for row in eval_rows:
        key = " ".join(words(row["text"]))
        if key and key in exact:
            found.append((row["id"], exact[key], "identical"))
            continue
        ws = set(words(row["text"]))
        if len(ws) <= SHORT_WORDS:
            continue
        shared = collections.Counter()
        for w in ws:
            for i in index.get(w, ()):
                shared[i] += 1
        for i, n in shared.items():
            other = train_words[i]
            if len(other) <= SHORT_WORDS:
                continue
            jaccard = n / len(ws | other)
            if jaccard >= NEAR_JACCARD:
                found.append((row["id"], train_rows[i]["id"], f"{jaccard:.2f} of words shared"))
    return found


def writers(rows):
    """Citizens and other accounts (unit and HQ handles are shared by design)."""
    return {r["author"].lower() for r in rows if r["author_kind"] in ("citizen", "other")}


def summary(rows, covered, units):
    labels = [r["labels"] for r in rows]
    traps = collections.Counter(t for r in rows if r["trap"] for t in r["trap"].split("+"))
    scripts = collections.Counter(script(r) for r in rows)
    hinglish_tags = collections.Counter(r["lang"] for r in rows if script(r) == "hinglish")
    districts = set()
    for lab in labels:
        slug = lab["unit"]
        if slug in units and units[slug]["unit_type"] == "district":
            districts.add(slug)
        elif slug in units and units[slug]["unit_type"] == "commissionerate":
            districts |= {s for s in covered if units[s]["parent"] == slug}
    placed = [lab for lab in labels if lab["kind"] == "complaint"]
    return {
        "lines": len(rows),
        "kind": dict(collections.Counter(lab["kind"] for lab in labels).most_common()),
        "urgent": sum(lab["urgent"] for lab in labels),
        "sensitive": sum(lab["sensitive"] for lab in labels),
        "category": dict(collections.Counter(lab["category"] for lab in labels if lab["category"]).most_common()),
        "reply_language": dict(collections.Counter(lab["reply_language"] for lab in labels).most_common()),
        "script": {k: f"{v} ({v / len(rows):.0%})" for k, v in scripts.most_common()},
        "lang_tag": dict(collections.Counter(r["lang"] for r in rows).most_common()),
        "hinglish_lang_tag": dict(hinglish_tags.most_common()),
        "author_kind": dict(collections.Counter(r["author_kind"] for r in rows).most_common()),
        "complaints_with_unit": sum(1 for lab in placed if lab["unit"]),
        "complaints_without_place": sum(1 for lab in placed if not lab["unit"]),
        "with_thana": sum(1 for lab in labels if lab["thana"]),
        "districts_covered": len(districts),
        "traps": dict(sorted(traps.items(), key=lambda kv: (-kv[1], kv[0]))),
    }, districts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=str(ROOT / "fixtures/triage"))
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the counts")
    args = parser.parse_args()
    registry = load_registry()
    units, _, _, covered = registry
    errors, sets = [], {}
    for name, prefix in SETS.items():
        rows = []
        path = Path(args.dir) / f"{name}.jsonl"
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    errors.append(f"{path.name}:{number}: not JSON ({exc})")
                    continue
                check_row(row, f"{path.name}:{number}", registry, errors)
                if not re.fullmatch(prefix + r"\d{4}", str(row.get("id"))):
                    errors.append(f"{path.name}:{number}: id {row.get('id')!r} is not {prefix}0001…")
                rows.append(row)
        ids = collections.Counter(r.get("id") for r in rows)
        errors += [f"{path.name}: id {i} used {n} times" for i, n in ids.items() if n > 1]
        texts = collections.Counter(fold(r.get("text", "")) for r in rows)
        errors += [f"{path.name}: the same text {n} times: {t[:60]!r}" for t, n in texts.items() if n > 1]
        sets[name] = rows

    names = list(SETS)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            shared_writers = writers(sets[first]) & writers(sets[second])
            errors += [f"writer @{w} is in both {first} and {second}" for w in sorted(shared_writers)]
            for one, other, why in near_duplicates(sets[first], sets[second]):
                errors.append(f"near-duplicate: {one} ~ {other} ({why})")

    report, all_districts = {}, set()
    for name, rows in sets.items():
        report[name], districts = summary(rows, covered, units)
        all_districts |= districts
        print(f"== {name}.jsonl: {len(rows)} lines")
        for key, value in report[name].items():
            if key != "lines":
                print(f"  {key}: {value}")
    missing = sorted({s for s, r in units.items() if r["unit_type"] == "district"} - all_districts)
    report["districts_covered_by_all"] = 75 - len(missing)
    print(f"== districts covered by the {len(SETS)} sets: {75 - len(missing)} of 75"
          + (f"; missing {missing}" if missing else ""))
    for line in errors:
        print("ERROR", line)
    print(f"== {len(errors)} error(s)")
    report["errors"] = len(errors)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
