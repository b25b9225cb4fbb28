"""Runs the triage module over a labelled corpus (fixtures/triage/eval.jsonl by default) and prints
per-label precision and recall, the confusion of units, each target of the triage issue with PASS/FAIL,
and the time per mention.

    .venv/bin/python bench/triage_eval.py [--corpus fixtures/triage/eval.jsonl] [--json] [--rounds 5]

The units registry comes from a Django test database in memory (SQLite, migrated, `load_units`), so the
gazetteer and the lexicon are built exactly as the desk builds them. `--mistakes` lists the lines read
wrongly; it is for the sets that may be studied (dev.jsonl, the former evaluation set, and train.jsonl).
The evaluation set (eval.jsonl, ids v…) was written without sight of the module and is measured, never
studied line by line, or its figures would stop saying anything.
"""

import argparse
import collections
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seva.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

KINDS = ("complaint", "follow_up", "acknowledgement", "district_update", "appreciation", "greeting",
         "status_request", "noise")
TARGETS = {
    "sensitive_recall": (1.0, ">="), "false_restriction": (0.02, "<="), "urgent_recall": (0.95, ">="),
    "unit_accuracy": (0.95, ">="), "ack_recall": (0.95, ">="), "false_noted": (0, "<="),
    "appreciation_kept_out": (0.90, ">="), "reply_language": (0.95, ">="),
}


def setup():
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_units", verbosity=0)


def read(path):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def run(rows):
    from complaints.triage.judge import judge

    out = []
    for row in rows:
        author_unit = row["author_unit"] or ("up-police" if row["author_kind"] == "hq" else None)
        out.append(judge(row["text"], author=row["author"], author_unit=author_unit, context=row["context"],
                         lang_tag=row["lang"]))
    return out


def timing(rows, rounds):
    from complaints.triage import lexicon, places

    start = time.process_time()
    lexicon.forget()
    places.forget()
    run(rows[:1])
    cold = time.process_time() - start
    best = None
    for _ in range(rounds):
        start = time.process_time()
        run(rows)
        elapsed = (time.process_time() - start) / len(rows)
        best = elapsed if best is None else min(best, elapsed)
    return cold, best


def pr(pairs, positive):
    tp = sum(1 for gold, pred in pairs if gold == positive and pred == positive)
    fp = sum(1 for gold, pred in pairs if gold != positive and pred == positive)
    fn = sum(1 for gold, pred in pairs if gold == positive and pred != positive)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp + fn


def measure(rows, judged):
    labels = [r["labels"] for r in rows]
    report = {"lines": len(rows), "per_label": {}}
    kinds = [(lab["kind"], j.kind.value) for lab, j in zip(labels, judged)]
    for kind in KINDS:
        report["per_label"][f"kind={kind}"] = pr(kinds, kind)
    for name in ("urgent", "sensitive"):
        pairs = [(lab[name], bool(getattr(j, name).value)) for lab, j in zip(labels, judged)]
        report["per_label"][name] = pr(pairs, True)
    cats = [(lab["category"], j.category.value) for lab, j in zip(labels, judged) if lab["kind"] == "complaint"]
    for cat in ("action", "information", "not-police"):
        report["per_label"][f"category={cat}"] = pr(cats, cat)
    citizens = [(r, j) for r, j in zip(rows, judged) if r["author_kind"] == "citizen"]
    langs = [(r["labels"]["reply_language"], j.reply_language.value) for r, j in citizens]
    for lang in ("hi", "en"):
        report["per_label"][f"reply_language={lang}"] = pr(langs, lang)

    sens = [(lab["sensitive"], bool(j.sensitive.value)) for lab, j in zip(labels, judged)]
    positives = sum(1 for g, _ in sens if g)
    negatives = len(sens) - positives
    placed = [(lab["unit"], j.unit.value) for lab, j in zip(labels, judged)
              if lab["kind"] in ("complaint", "follow_up") and lab["unit"]]
    thanas = [(lab["thana"], j.thana.value) for lab, j in zip(labels, judged)
              if lab["kind"] in ("complaint", "follow_up") and lab["unit"]]
    acks = [(lab["kind"], j) for lab, j in zip(labels, judged)]
    noted = [j.records_noted or j.kind.value == "acknowledgement" for _, j in acks]
    kept = [j.kind.value not in ("complaint", "follow_up", "status_request")
            for lab, j in zip(labels, judged) if lab["kind"] in ("appreciation", "greeting")]
    urgent_pos = [bool(j.urgent.value) for lab, j in zip(labels, judged) if lab["urgent"]]
    figures = {
        "sensitive_recall": sum(1 for g, p in sens if g and p) / max(positives, 1),
        "false_restriction": sum(1 for g, p in sens if p and not g) / max(negatives, 1),
        "urgent_recall": sum(urgent_pos) / max(len(urgent_pos), 1),
        "unit_accuracy": sum(1 for g, p in placed if g == p) / max(len(placed), 1),
        "ack_recall": sum(1 for (k, _), n in zip(acks, noted) if k == "acknowledgement" and n)
        / max(sum(1 for k, _ in acks if k == "acknowledgement"), 1),
        "false_noted": sum(1 for (k, _), n in zip(acks, noted) if k != "acknowledgement" and n),
        "appreciation_kept_out": sum(kept) / max(len(kept), 1),
        "reply_language": sum(1 for g, p in langs if g == p) / max(len(langs), 1),
    }
    counts = {
        "sensitive": f"{sum(1 for g, p in sens if g and p)}/{positives}",
        "false_restriction": f"{sum(1 for g, p in sens if p and not g)}/{negatives}",
        "urgent": f"{sum(urgent_pos)}/{len(urgent_pos)}",
        "unit": f"{sum(1 for g, p in placed if g == p)}/{len(placed)}",
        "thana": f"{sum(1 for g, p in thanas if g == p)}/{len(thanas)}",
        "ack": f"{sum(1 for (k, _), n in zip(acks, noted) if k == 'acknowledgement' and n)}/"
               f"{sum(1 for k, _ in acks if k == 'acknowledgement')}",
        "appreciation_kept_out": f"{sum(kept)}/{len(kept)}",
        "reply_language": f"{sum(1 for g, p in langs if g == p)}/{len(langs)}",
    }
    confusion = collections.Counter((g, p or "-") for g, p in placed if g != p)
    traps = collections.defaultdict(lambda: [0, 0])
    for row, j in zip(rows, judged):
        for trap in (row.get("trap") or "").split("+"):
            if trap:
                traps[trap][1] += 1
                traps[trap][0] += not _wrong(row, j)
    report["traps"] = dict(sorted(traps.items()))
    report.update(figures=figures, counts=counts, unit_confusion=confusion.most_common())
    report["targets"] = {name: _passes(figures[name], *TARGETS[name]) for name in TARGETS}
    return report


def _passes(value, bound, op):
    return value >= bound if op == ">=" else value <= bound


def _wrong(row, j):
    """What the judgement got wrong on the fields the targets measure (class and station aside)."""
    lab = row["labels"]
    wrong = []
    if lab["kind"] != j.kind.value:
        wrong.append(f"kind {lab['kind']}→{j.kind.value}")
    if lab["urgent"] != bool(j.urgent.value):
        wrong.append(f"urgent {lab['urgent']}→{j.urgent.words}")
    if lab["sensitive"] != bool(j.sensitive.value):
        wrong.append(f"sensitive {lab['sensitive']}→{j.sensitive.words}")
    if lab["kind"] in ("complaint", "follow_up") and lab["unit"] and lab["unit"] != j.unit.value:
        wrong.append(f"unit {lab['unit']}→{j.unit.value}")
    if row["author_kind"] == "citizen" and lab["reply_language"] != j.reply_language.value:
        wrong.append(f"lang {lab['reply_language']}→{j.reply_language.value}")
    return wrong


def mistakes(rows, judged):
    for row, j in zip(rows, judged):
        lab = row["labels"]
        wrong = _wrong(row, j)
        if lab["kind"] in ("complaint", "follow_up") and lab["unit"] and lab["thana"] != j.thana.value:
            wrong.append(f"thana {lab['thana']}→{j.thana.value}")
        if lab["kind"] == "complaint" and lab["category"] != j.category.value:
            wrong.append(f"cat {lab['category']}→{j.category.value}")
        if wrong:
            print(f"{row['id']} [{'; '.join(wrong)}] {row['text'][:160]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT / "fixtures/triage/eval.jsonl"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    parser.add_argument("--mistakes", action="store_true",
                        help="list the lines read wrongly (dev.jsonl and train.jsonl only)")
    args = parser.parse_args()
    rows = read(args.corpus)
    # The evaluation set is known by its name and by its ids, so a renamed copy is refused as well.
    if args.mistakes and (Path(args.corpus).name == "eval.jsonl" or any(r["id"].startswith("v") for r in rows)):
        parser.error("--mistakes is for dev.jsonl and train.jsonl; the evaluation set is only measured")
    setup()
    judged = run(rows)
    report = measure(rows, judged)
    cold, per_mention = timing(rows, args.rounds)
    report["us_per_mention"] = round(per_mention * 1e6, 1)
    report["cold_start_ms"] = round(cold * 1e3, 1)
    if args.mistakes:
        mistakes(rows, judged)
    print(f"{Path(args.corpus).name}: {len(rows)} lines")
    print(f"{'label':32} {'precision':>9} {'recall':>7} {'n':>5}")
    for label, (precision, recall, n) in report["per_label"].items():
        print(f"{label:32} {precision:9.3f} {recall:7.3f} {n:5d}")
    print("units confused (labelled → judged):")
    for (gold, pred), n in report["unit_confusion"][:15]:
        print(f"  {n:3d}  {gold} → {pred}")
    print("lines read right per trap (kind, urgent, sensitive, unit, reply language):")
    for trap, (right, total) in report["traps"].items():
        print(f"  {trap:28} {right:3d}/{total:3d}")
    print("targets:")
    for name, ok in report["targets"].items():
        bound, op = TARGETS[name]
        print(f"  {'PASS' if ok else 'FAIL'}  {name:24} {report['figures'][name]:.3f} (target {op} {bound})  "
              f"{report['counts'].get(name.split('_recall')[0].replace('_accuracy', ''), '')}")
    print(f"  thana right: {report['counts']['thana']}")
    print(f"time: {report['us_per_mention']} µs of CPU per mention (best of {args.rounds} rounds), "
          f"first call {report['cold_start_ms']} ms (builds the lexicon and the gazetteer)")
    if args.json:
        summary = {"corpus": Path(args.corpus).name, "lines": len(rows), **report["figures"],
                   "counts": report["counts"], "targets_passed": sum(report["targets"].values()),
                   "targets": len(TARGETS), "us_per_mention": report["us_per_mention"],
                   "cold_start_ms": report["cold_start_ms"]}
        print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
