#!/usr/bin/env python
"""Server time of the dashboard's busiest pages on a large complaints table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dashbench .venv/bin/python bench/dashboard_bench.py --n 1000000

Migrates the database it is pointed at, loads the units, bulk-inserts complaints up to --n (rows already
there from an earlier run are kept, so a second run only measures) and recounts the league tallies, then
times the HQ inbox, a district queue (Meerut), a supervisor's view (Meerut range), a search and the
league table for the last month (cached, and cold for HQ and for the range), each through Django's test
client in this process with the application built as the web server builds it (seva.wsgi): server time
of URL routing, views, queries and templates, no network. Prints one JSON line with p50/p95 in ms.
"""

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seva.settings")

WORDS = ("chori", "jhagda", "mobile", "sadak", "थाना", "चोरी", "शिकायत", "मारपीट", "noise", "traffic", "fraud",
         "police", "madad", "ghar", "bike", "ऑनलाइन", "ठगी", "dhamki", "parking", "pani")
# (status, share): most complaints are disposed; a few are new or waiting at the unit.
STATUS_MIX = (("new", 0.004), ("forwarded", 0.02), ("noted", 0.02), ("in_progress", 0.03), ("resolved", 0.2),
              ("closed", 0.7), ("rejected", 0.026))
PREFIX = "UPP-"  # bench codes: UPP- plus ten digits, never produced by codes.generate (it avoids the format)


def _code(i):
    digits = f"{i:010d}"
    return f"UPP-{digits[:5]}-{digits[5:]}"


def _pick_status(rng):
    x, acc = rng.random(), 0.0
    for status, share in STATUS_MIX:
        acc += share
        if x < acc:
            return status
    return "closed"


def _rows(start, count, units, categories, now, rng):
    """Plain tuples for the complaint table, spread over the last 365 days."""
    for i in range(start, start + count):
        received = now - timedelta(seconds=rng.randint(0, 365 * 24 * 3600))
        status = _pick_status(rng)
        unit = None if status in ("new", "rejected") else rng.choice(units)
        forwarded = received + timedelta(minutes=rng.randint(5, 240)) if unit else None
        noted = forwarded + timedelta(minutes=rng.randint(5, 600)) if forwarded and status != "forwarded" else None
        resolved = noted + timedelta(hours=rng.randint(1, 200)) if noted and status in ("resolved", "closed") else None
        closed = resolved + timedelta(hours=rng.randint(1, 48)) if resolved and status == "closed" else None
        open_ = status in ("new", "forwarded", "noted", "in_progress")
        due = (received + timedelta(hours=rng.randint(-200, 72))) if open_ else None
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 20)))
        yield (_code(i), "x", f"bench{i % 50000}", text, received, status, unit,
               rng.choice(categories), rng.choice(("normal", "normal", "normal", "high", "urgent", "low")),
               forwarded, noted, unit if noted else None, resolved, closed,
               "Thana ne karyavahi ki" if resolved else "", due, received if due and due < now and rng.random() < 0.5
               else None, received)


COLUMNS = ("tracking_code", "channel", "author_username", "text", "received_at", "status", "unit_id",
           "category_id", "priority", "forwarded_at", "noted_at", "noted_by_id", "resolved_at", "closed_at",
           "action_taken_report", "sla_due_at", "escalated_at", "updated_at")
CONSTANT = {"conversation_id": "", "author_id": "", "author_name": "", "author_location": "",
            "author_contact": "", "language": "", "urgent_terms": "[]", "is_restricted": "f",
            "noted_tweet_id": "", "outcome": "", "fir_number": "", "rejection_reason": "", "suggestion_reason": "",
            "version": "1"}


def _copy(connection, rows):
    """COPY rows into the complaint table (PostgreSQL): far faster than INSERTs at a million rows."""
    from complaints.models import Complaint

    def cell(v):
        if v is None:
            return "\\N"
        if hasattr(v, "isoformat"):
            return v.isoformat()
        return str(v).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")

    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join([cell(v) for v in row] + list(CONSTANT.values())) + "\n")
    buffer.seek(0)
    columns = ", ".join(COLUMNS + tuple(CONSTANT))
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {Complaint._meta.db_table} ({columns}) FROM STDIN", buffer)


def _bulk_create(rows):
    from complaints.models import Complaint

    objects = []
    for row in rows:
        values = dict(zip(COLUMNS, row))
        values.update({k: v for k, v in CONSTANT.items() if k not in ("urgent_terms", "is_restricted", "version")})
        objects.append(Complaint(urgent_terms=[], is_restricted=False, version=1, **values))
    Complaint.objects.bulk_create(objects, batch_size=2000)


def populate(n, *, seed=4, chunk=100_000, log=lambda *a: None):
    """Insert bench complaints until there are n of them; returns how many were added."""
    from django.db import connection
    from django.utils import timezone

    from complaints.models import Category, Complaint
    from districts.models import Unit, UnitType

    have = Complaint.objects.filter(author_username__startswith="bench").count()
    if have >= n:
        return 0
    units = list(Unit.objects.filter(is_active=True, unit_type__in=(
        UnitType.DISTRICT, UnitType.COMMISSIONERATE, UnitType.TRAFFIC)).values_list("pk", flat=True))
    categories = list(Category.objects.values_list("pk", flat=True))
    rng, now = random.Random(seed + have), timezone.now()
    added = 0
    while have + added < n:
        count = min(chunk, n - have - added)
        rows = _rows(10_000_000 + have + added, count, units, categories, now, rng)
        if connection.vendor == "postgresql":
            _copy(connection, rows)
        else:
            _bulk_create(rows)
        added += count
        log(f"inserted {have + added}/{n}")
    return added


def settle(connection):
    """A real desk files complaints in time order, so a month's rows sit together on disk; the random
    times generated above do not. CLUSTER puts the table in received_at order (as production data is),
    and VACUUM ANALYZE sets the visibility map and statistics a table that is not new would have."""
    from complaints.models import Complaint

    table = Complaint._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
                       [table, "%(received_at)"])
        index = cursor.fetchone()
        if index:
            cursor.execute(f'CLUSTER {table} USING "{index[0]}"')
        cursor.execute(f"VACUUM ANALYZE {table}")


def _users():
    from django.contrib.auth import get_user_model

    from districts.models import Role, StaffProfile, Unit

    made = {}
    for username, slug, role in (("bench-hq", "up-police", Role.HQ_SUPERVISOR), ("bench-meerut", "meerut", Role.CELL),
                                 ("bench-meerut-range", "meerut-range", Role.SUPERVISOR)):
        user, _ = get_user_model().objects.get_or_create(username=username)
        StaffProfile.objects.update_or_create(user=user, defaults={"unit": Unit.objects.get(slug=slug), "role": role})
        made[username] = user
    return made


def _cold():
    """What a league request meets when nothing is cached: no cached page data, and today's tallies
    out of date (filing marks today all day long), so the request recounts today first."""
    from django.core.cache import cache
    from django.db import transaction
    from django.utils import timezone

    from complaints import tally

    cache.clear()
    with transaction.atomic():
        tally.mark([timezone.localdate()])


def _time(client, url, repeats, cold=False):
    for _ in range(2):  # warm connections (and, unless cold, the league cache)
        assert client.get(url).status_code == 200, url
    spent = []
    for _ in range(repeats):
        if cold:
            _cold()
        t0 = time.perf_counter()
        response = client.get(url)
        spent.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, url
    spent.sort()
    p95 = spent[min(len(spent) - 1, max(0, round(0.95 * len(spent)) - 1))]
    return round(statistics.median(spent), 1), round(p95, 1)


def measure(repeats=20):
    """p50/p95 (ms) of each page, as a dict."""
    from django.test import Client
    from django.utils import timezone

    users = _users()
    today = timezone.localdate()
    month = f"start={today - timedelta(days=30):%Y-%m-%d}&end={today:%Y-%m-%d}"
    pages = {
        "hq_inbox": ("bench-hq", "/inbox/"),
        "district_queue": ("bench-meerut", "/queue/"),
        "supervisor_view": ("bench-meerut-range", "/supervise/"),
        "search_words": ("bench-hq", "/complaints/?q=chori+mobile"),
        "league_month": ("bench-hq", f"/league/?{month}"),
        # The same page computed afresh every time: the league cache emptied and today marked for recounting
        # before each request.
        "league_month_cold": ("bench-hq", f"/league/?{month}"),
        "league_month_range_cold": ("bench-meerut-range", f"/league/?{month}"),
    }
    result = {}
    for name, (username, url) in pages.items():
        client = Client()
        client.force_login(users[username])
        p50, p95 = _time(client, url, repeats, cold=name.endswith("_cold"))
        result[f"{name}_p50_ms"], result[f"{name}_p95_ms"] = p50, p95
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="complaints in the table (default 10000)")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--settle", action="store_true", help="CLUSTER and VACUUM the table again (PostgreSQL)")
    parser.add_argument("--allow-sqlite", action="store_true", help="measure on SQLite (not what production runs)")
    args = parser.parse_args(argv)

    from django.conf import settings

    import seva.wsgi  # noqa: F401  the application set up as the web server sets it up
    settings.DEBUG = False
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql" and not args.allow_sqlite:
        sys.exit("Point DATABASE_URL at a PostgreSQL database of its own (or pass --allow-sqlite).")
    call_command("migrate", verbosity=0)
    call_command("load_units", verbosity=0)
    t0 = time.perf_counter()
    added = populate(args.n, log=lambda msg: print(msg, file=sys.stderr))
    if (added or args.settle) and connection.vendor == "postgresql":
        settle(connection)  # outside any transaction: CLUSTER and VACUUM cannot run inside one
    load_s = round(time.perf_counter() - t0, 1)
    from complaints import tally
    from complaints.models import Complaint

    t0 = time.perf_counter()
    # COPY goes around the lifecycle, which marks the days it changes: count every day afresh after it.
    tally_days = tally.rebuild() if added or args.settle else tally.refresh()
    tally_s = round(time.perf_counter() - t0, 1)

    result = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "db": connection.vendor,
              "complaints": Complaint.objects.count(), "inserted": added, "insert_seconds": load_s,
              "tally_days": tally_days, "tally_seconds": tally_s,
              "repeats": args.repeats, **measure(args.repeats)}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
