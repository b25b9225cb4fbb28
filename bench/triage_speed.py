"""How long `judge()` takes per mention: mean, median, p99 and max in microseconds of CPU time, over
every line of both triage corpora (fixtures/triage/eval.jsonl and train.jsonl), after a warm-up round.

    .venv/bin/python bench/triage_speed.py [--rounds 5] [--json]

The ingest must keep 2,000 mentions a second in total, so judge() has to stay well under 200 µs a
mention. The lexicon and the gazetteer are built once per process (the first call, reported apart);
the warm-up round also fills the per-word caches of `normalise`, as a running desk's would be. Each
mention is timed on its own with the thread's CPU clock (time.thread_time_ns), so that other processes
on a shared machine do not count; lines are shuffled per round so that no order favours the caches.
Garbage collection runs as it would in the ingest and is counted; the wall-clock mean per round is
reported beside it.
"""

import argparse
import json
import os
import random
import statistics
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

CORPORA = ("fixtures/triage/eval.jsonl", "fixtures/triage/train.jsonl")


def setup():
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_units", verbosity=0)


def read():
    rows = []
    for name in CORPORA:
        with open(ROOT / name, encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return rows


def calls(rows):
    out = []
    for row in rows:
        author_unit = row["author_unit"] or ("up-police" if row["author_kind"] == "hq" else None)
        out.append((row["text"], {"author": row["author"], "author_unit": author_unit,
                                  "context": row["context"], "lang_tag": row["lang"]}))
    return out


def measure(rounds, seed=2026):
    from complaints.triage import lexicon, places
    from complaints.triage.judge import judge

    mentions = calls(read())
    lexicon.forget()
    places.forget()
    start = time.perf_counter_ns()
    judge(mentions[0][0], **mentions[0][1])
    first_ms = (time.perf_counter_ns() - start) / 1e6
    for text, kwargs in mentions:  # warm-up
        judge(text, **kwargs)
    rng = random.Random(seed)
    samples, walls = [], []
    for _ in range(rounds):
        order = mentions[:]
        rng.shuffle(order)
        wall = time.perf_counter_ns()
        for text, kwargs in order:
            start = time.thread_time_ns()
            judge(text, **kwargs)
            samples.append((time.thread_time_ns() - start) / 1e3)
        walls.append((time.perf_counter_ns() - wall) / 1e3 / len(order))
    samples.sort()
    return {
        "mentions": len(mentions), "rounds": rounds, "first_call_ms": round(first_ms, 1),
        "mean_us": round(statistics.fmean(samples), 1), "median_us": round(statistics.median(samples), 1),
        "p99_us": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 1),
        "max_us": round(samples[-1], 1), "per_second": round(1e6 / statistics.fmean(samples)),
        "wall_mean_us_best_round": round(min(walls), 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    args = parser.parse_args()
    setup()
    figures = measure(args.rounds)
    print(f"judge() over {figures['mentions']} mentions × {figures['rounds']} rounds, after a warm-up round "
          f"(CPU time per call):")
    print(f"  mean {figures['mean_us']} µs, median {figures['median_us']} µs, p99 {figures['p99_us']} µs, "
          f"max {figures['max_us']} µs  (≈ {figures['per_second']:,} mentions/s on one core)")
    print(f"  wall clock: {figures['wall_mean_us_best_round']} µs a mention in the best round")
    print(f"  first call {figures['first_call_ms']} ms (builds the lexicon and the gazetteer)")
    print(f"  target: mean well under 200 µs — {'PASS' if figures['mean_us'] < 200 else 'FAIL'}")
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
