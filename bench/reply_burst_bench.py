#!/usr/bin/env python
"""The reply budget at peak: a burst of mentions (1,000 in 10 minutes by default) filed as complaints, each
with its reply with the code queued, then sent in the order the outbox sender takes them
(outbox.due_in_order: urgent first, then the longest waiting, never an account that has used its
X_POST_MAX_PER_15MIN posts of the last 15 minutes, of which X_POST_URGENT_RESERVE are kept for urgent
replies) at the sender's pace (X_OUTBOX_BATCH rows every
X_OUTBOX_INTERVAL s). Time is simulated: the rows carry their arrival time and the queries are asked "as
of" each tick, so the two hours a burst takes to answer replay in a minute. Posting itself is not timed
(it is the same for every order). Prints one JSON line: the p50/p95/max wait per priority, in minutes.

    .venv/bin/python bench/reply_burst_bench.py --mentions 1000 --spread 600 --urgent-share 0.05

Runs on a scratch SQLite database."""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=1000)
    parser.add_argument("--spread", type=float, default=600, help="seconds over which the mentions arrive")
    parser.add_argument("--urgent-share", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    scratch = tempfile.mkdtemp(prefix="reply-burst-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seva.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from complaints import lifecycle
    from complaints.models import Priority
    from twitter_ingest import outbox
    from twitter_ingest.models import Outbox, OutboxKind, OutboxStatus

    call_command("migrate", verbosity=0)
    call_command("load_units", verbosity=0)
    rng = random.Random(args.seed)
    start = timezone.now()
    arrivals = sorted(rng.uniform(0, args.spread) for _ in range(args.mentions))
    began = time.perf_counter()
    for i, offset in enumerate(arrivals):
        complaint = lifecycle.file_complaint(text=f"@Uppolice burst complaint {i}: Aminabad me jebkatri",
                                             source_tweet_id=str(1870000000000000000 + i),
                                             author_username=f"burst_citizen_{i}")
        if rng.random() < args.urgent_share:
            lifecycle.set_priority(complaint, Priority.URGENT)
        # The reply became due when its mention arrived.
        Outbox.objects.filter(complaint=complaint, kind=OutboxKind.REPLY_WITH_CODE).update(
            next_attempt_at=start + timedelta(seconds=offset), created_at=start + timedelta(seconds=offset))
    filed_s = time.perf_counter() - began
    rows = {r.pk: r for r in Outbox.objects.filter(kind=OutboxKind.REPLY_WITH_CODE).select_related("complaint")}
    tick = timedelta(seconds=settings.X_OUTBOX_INTERVAL)
    now, waits = start, {}
    while Outbox.objects.filter(status=OutboxStatus.PENDING).exists():
        due = outbox.due_in_order(now).values_list("pk", "account_id", "complaint__priority")
        for pk, account_id, priority in due[:settings.X_OUTBOX_BATCH]:
            # As send_due does: an account that reached its limit within this run posts no more in it.
            if account_id in outbox.accounts_at_post_limit(now, urgent=priority == Priority.URGENT):
                continue
            Outbox.objects.filter(pk=pk).update(status=OutboxStatus.SENT, sent_at=now)
        now += tick
    sent = Outbox.objects.filter(pk__in=rows).values_list("pk", "sent_at")
    for pk, sent_at in sent:
        row = rows[pk]
        waits.setdefault(row.complaint.priority, []).append((sent_at - row.created_at).total_seconds() / 60)
    print(json.dumps({
        "bench": "reply_burst", "date": time.strftime("%Y-%m-%d"), "mentions": args.mentions,
        "spread_s": args.spread, "post_limit_per_15min": settings.X_POST_MAX_PER_15MIN,
        "urgent_reserve": settings.X_POST_URGENT_RESERVE,
        "sender": f"{settings.X_OUTBOX_BATCH} every {settings.X_OUTBOX_INTERVAL} s", "filed_in_s": round(filed_s, 1),
        "last_reply_after_min": round((now - start).total_seconds() / 60, 1),
        "wait_min": {p: {"n": len(w), "p50": round(statistics.median(w), 1), "p95": round(_pct(w, 0.95), 1),
                         "max": round(max(w), 1)} for p, w in sorted(waits.items())},
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
