#!/usr/bin/env python
"""The X bill of the demo stream: fixtures/demo_stream.jsonl replayed through the simulated X API (FakeXServer)
with polling, filing, automatic forwarding, the districts' "Noted", the outbox and the watches, as
`manage.py demo` runs them (in rounds instead of on timers: the bill counts resources, not seconds), plus
one overlap poll and one deletion sweep, as the beat runs them. Prints the month's ledger: the total, by
kind, and the cost per complaint handled end to end (filed, and answered with its code).

    .venv/bin/python bench/x_bill_bench.py                  # as the desk reads by default: the bearer token and
                                                            # the state account's user tokens set, its own
                                                            # mentions read with its user tokens (owned reads)
    .venv/bin/python bench/x_bill_bench.py --app            # its mentions read with the bearer token instead
                                                            # (X_READ_MENTIONS_WITH=app: post reads)
    .venv/bin/python bench/x_bill_bench.py --audited        # the unit accounts' ids on file (weekly audit)

Runs on a scratch SQLite database; prints one JSON line. The goal is at most $0.025 per complaint."""

import argparse
import io
import json
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOAL_USD = 0.025


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", action="store_true",
                        help="read the state account's mentions with the app's bearer token (X_READ_MENTIONS_WITH"
                             "=app, post reads) instead of its own user tokens (the default, owned reads)")
    parser.add_argument("--no-watches", action="store_true", help="leave the watches (recent search) out")
    parser.add_argument("--audited", action="store_true",
                        help="the unit accounts' X ids on file, as the weekly account audit leaves them (the "
                             "audit's own bill falls on its day, not this one): their tweets need no users lookup")
    parser.add_argument("--batch", type=int, default=5, help="tweets added to the simulated X between polls")
    parser.add_argument("--stream", default=str(ROOT / "fixtures" / "demo_stream.jsonl"))
    args = parser.parse_args(argv)

    scratch = tempfile.mkdtemp(prefix="x-bill-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seva.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from complaints.models import Complaint, TriageModel
    from seva import demo_feed
    from twitter_ingest import deletions, ledger, outbox, poller, watches
    from twitter_ingest.fake_api import FakeX, FakeXServer
    from twitter_ingest.models import WatchReads

    call_command("migrate", verbosity=0)
    call_command("load_units", verbosity=0)
    if not args.no_watches:
        watches.ensure_demo_watches()
    if not TriageModel.objects.filter(is_active=True).exists():
        call_command("train_triage", "--seed-only", verbosity=0, stdout=io.StringIO())

    fake = FakeX(state_username=settings.X_STATE_HANDLE)
    fake.noted_delay = 0  # the simulated districts answer a forward at the next read
    server = FakeXServer(fake=fake).start()
    # A production desk has both: the bearer token, and the state account's user tokens it posts with (an
    # access token starts with its user's id, as on X).
    for name, value in {
        "X_API_BASE_URL": server.url, "X_BEARER_TOKEN": "bench-sandbox-only",
        "X_READ_MENTIONS_WITH": "app" if args.app else "own",
        "X_API_KEY": "bench", "X_API_SECRET": "bench", "X_ACCESS_TOKEN": f"{fake.state_id}-bench",
        "X_ACCESS_SECRET": "bench",
        "X_POST_ENABLED": True, "X_POST_MAX_PER_15MIN": 10_000, "X_POLL_BACKOFF_SECONDS": 0.01,
        "X_AUTO_FORWARD_CONFIDENCE": getattr(settings, "DEMO_AUTO_FORWARD", 0.6),
    }.items():
        setattr(settings, name, value)

    items = [json.loads(line) for line in Path(args.stream).read_text(encoding="utf-8").splitlines() if line.strip()]
    for item in items:
        if "user" in item:
            fake.add_user(item["user"])
    tweets = sorted((i for i in items if "user" not in i), key=lambda i: float(i.get("after", 0)))
    if args.audited:
        from districts.models import XAccount

        for account in XAccount.objects.filter(user_id__isnull=True):
            user = fake.user_by_name(account.handle)
            if user is not None:
                XAccount.objects.filter(pk=account.pk).update(user_id=user["id"])

    def round_trip():
        for account in poller.watched_accounts():
            poller.poll_account(account)
        while outbox.send_due(limit=100, now=None):
            pass

    started = time.monotonic()
    ids = {}
    try:
        for start in range(0, len(tweets), args.batch):
            for item in tweets[start:start + args.batch]:
                ids[item["ref"]] = fake.add_tweet(demo_feed.tweet_spec(item, ids))["id"]
            round_trip()
            if not args.no_watches:
                watches.run_all()
        for _ in range(3):  # the districts' Noted to the last forwards, and what they lead to
            round_trip()
        before_overlap = ledger.spend(ledger.utc_day(), ledger.utc_day() + timedelta(days=1))["total"]
        for account in poller.watched_accounts():
            poller.poll_account(account, overlap=True)
        before_sweep = ledger.spend(ledger.utc_day(), ledger.utc_day() + timedelta(days=1))["total"]
        deletions.sweep()
    finally:
        server.stop()

    report = ledger.month_report(ledger.utc_day())
    watch_reads = sum(WatchReads.objects.values_list("posts", flat=True))
    per = report["per_complaint"]
    print(json.dumps({
        "bench": "x_bill", "date": time.strftime("%Y-%m-%d", time.gmtime()), "mentions_read_with": "bearer token (app)" if args.app
        else "own user tokens (own)", "unit_ids_on_file": args.audited, "stream_tweets": len(tweets), "complaints_filed": Complaint.objects.count(),
        "complaints_handled": report["handled"], "total_usd": f"{report['total']:.4f}",
        "by_kind": {kind: {"resources": row["resources"], "usd": f"{row['cost']:.4f}",
                           "repeats_not_billed": row["repeats"]} for kind, row in report["by_kind"].items()},
        "watch_post_reads": watch_reads, "overlap_poll_usd": f"{before_sweep - before_overlap:.4f}",
        "deletion_sweep_usd": f"{report['total'] - before_sweep:.4f}",
        "per_complaint_usd": None if per is None else f"{per:.4f}",
        "goal_usd": GOAL_USD, "met": per is not None and per <= GOAL_USD,
        "seconds": round(time.monotonic() - started, 1),
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
