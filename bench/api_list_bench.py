"""API list benchmark: p50/p95 of GET /api/v1/complaints/ with filters, for HQ and for a district cell,
over N complaints inserted in bulk. Target: p95 under 50 ms at 1,000,000 rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seva_api_bench .venv/bin/python bench/api_list_bench.py --rows 1000000

The database is created when missing (PostgreSQL), migrated, and filled once: rows already there from an
earlier run are kept (--fresh starts again). On PostgreSQL the rows are written by INSERT ... SELECT over
generate_series in batches; elsewhere with bulk_create. Requests go through the whole Django stack
in-process (middleware, token authentication, scoping, filters, serializer), so the figure is the
server's time without the network. Prints one JSON line.
"""

import argparse
import io
import json
import os
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone as dt_timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/seva_api_bench"
PREFIX = "UPB-"  # bench rows' codes: unique, never check-valid, so they cannot be mistaken for real ones


def ensure_postgres_database(url):
    import environ

    from seva.localstack import postgres_admin

    cfg = environ.Env.db_url_config(url)
    conn = postgres_admin(url)
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    conn.close()


def setup(url):
    os.environ.update({"DATABASE_URL": url, "DEBUG": "off", "LOG_LEVEL": "WARNING", "REDIS_URL": "",
                       "CELERY_BROKER_URL": "memory://", "API_USER_THROTTLE": "1000000/min",
                       "DJANGO_SETTINGS_MODULE": "seva.settings"})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False, stdout=io.StringIO())
    call_command("load_units", verbosity=0, stdout=io.StringIO())


PG_BATCH = """
INSERT INTO complaints_complaint (
    tracking_code, channel, source_tweet_id, conversation_id, author_id, author_username, author_name,
    author_location, author_contact, text, language, tweeted_at, received_at, status, priority, urgent_terms,
    is_restricted, forwarded_at, noted_at, noted_tweet_id, resolved_at, closed_at, action_taken_report,
    outcome, fir_number, rejection_reason, suggestion_reason, updated_at, version, category_id, unit_id,
    noted_by_id, sla_due_at)
SELECT %(prefix)s || lpad(to_hex(g), 11, '0'), 'x', NULL, '', '', 'user' || (g %% 50000), '', '', '',
    'Bench complaint ' || g || ' about noise near the market', 'hi', NULL, rec, st,
    CASE g %% 10 WHEN 0 THEN 'high' WHEN 1 THEN 'urgent' ELSE 'normal' END, '[]', g %% 50 = 0,
    CASE WHEN st IN ('new', 'rejected') THEN NULL ELSE rec + interval '10 minutes' END,
    CASE WHEN st IN ('noted', 'in_progress', 'resolved', 'closed') THEN rec + (10 + g %% 240) * interval '1 minute' END,
    '',
    CASE WHEN st IN ('resolved', 'closed') THEN rec + interval '2 days' END,
    CASE WHEN st = 'closed' THEN rec + interval '3 days' END,
    CASE WHEN st IN ('resolved', 'closed') THEN 'Matter settled at the police station.' ELSE '' END,
    CASE WHEN st = 'closed' THEN 'resolved_without_fir' ELSE '' END, '', '', '', rec, 1,
    (%(categories)s::bigint[])[1 + g %% %(ncat)s],
    CASE WHEN st IN ('new', 'rejected') THEN NULL ELSE unit END,
    CASE WHEN st IN ('noted', 'in_progress', 'resolved', 'closed') THEN unit END,
    CASE WHEN st IN ('new', 'forwarded', 'noted', 'in_progress') THEN rec + interval '1 day' END
FROM (
    SELECT g, %(now)s - ((g * 104729) %% 525600) * interval '1 minute' AS rec,
        (%(units)s::bigint[])[1 + (g * 31) %% %(nunits)s] AS unit,
        CASE WHEN (g * 17) %% 100 < 5 THEN 'new' WHEN (g * 17) %% 100 < 15 THEN 'forwarded'
             WHEN (g * 17) %% 100 < 25 THEN 'noted' WHEN (g * 17) %% 100 < 35 THEN 'in_progress'
             WHEN (g * 17) %% 100 < 65 THEN 'resolved' WHEN (g * 17) %% 100 < 95 THEN 'closed'
             ELSE 'rejected' END AS st
    FROM generate_series(%(start)s::bigint, %(end)s::bigint) AS g
) AS rows
"""


def fill(rows, fresh, progress):
    from django.db import connection

    from complaints.models import Category, Complaint
    from districts.models import Unit, UnitType

    bench_rows = Complaint.objects.filter(tracking_code__startswith=PREFIX)
    if fresh:
        with connection.cursor() as cur:
            cur.execute("DELETE FROM complaints_complaint WHERE tracking_code LIKE %s", [PREFIX + "%"])
    have = bench_rows.count()
    if have >= rows:
        return have, 0.0
    units = list(Unit.objects.filter(unit_type__in=[UnitType.DISTRICT, UnitType.COMMISSIONERATE])
                 .values_list("pk", flat=True))
    categories = list(Category.objects.values_list("pk", flat=True)) or [None]
    now = datetime.now(dt_timezone.utc)
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        batch = 100_000
        for start in range(have + 1, rows + 1, batch):
            end = min(rows, start + batch - 1)
            with connection.cursor() as cur:
                cur.execute(PG_BATCH, {"prefix": PREFIX, "categories": categories, "ncat": len(categories),
                                       "units": units, "nunits": len(units), "now": now, "start": start, "end": end})
            progress(f"inserted {end:,} / {rows:,} ({time.perf_counter() - started:.0f} s)")
        with connection.cursor() as cur:
            cur.execute("ANALYZE complaints_complaint")
    else:
        _fill_generic(have, rows, units, categories, now)
    return rows, time.perf_counter() - started


def _fill_generic(have, rows, units, categories, now):
    from complaints.models import Complaint

    def row(g):
        rec = now - timedelta(minutes=(g * 104729) % 525600)
        bucket = (g * 17) % 100
        st = ("new" if bucket < 5 else "forwarded" if bucket < 15 else "noted" if bucket < 25 else
              "in_progress" if bucket < 35 else "resolved" if bucket < 65 else "closed" if bucket < 95 else "rejected")
        unit = None if st in ("new", "rejected") else units[(g * 31) % len(units)]
        noted = st in ("noted", "in_progress", "resolved", "closed")
        return Complaint(
            tracking_code=f"{PREFIX}{g:011x}", text=f"Bench complaint {g} about noise near the market",
            author_username=f"user{g % 50000}", language="hi", received_at=rec, status=st,
            priority="high" if g % 10 == 0 else "urgent" if g % 10 == 1 else "normal", is_restricted=g % 50 == 0,
            forwarded_at=rec + timedelta(minutes=10) if unit else None,
            noted_at=rec + timedelta(minutes=10 + g % 240) if noted else None,
            resolved_at=rec + timedelta(days=2) if st in ("resolved", "closed") else None,
            category_id=categories[g % len(categories)], unit_id=unit, noted_by_id=unit if noted else None,
            sla_due_at=rec + timedelta(days=1) if st in ("new", "forwarded", "noted", "in_progress") else None,
        )

    batch = []
    for g in range(have + 1, rows + 1):
        batch.append(row(g))
        if len(batch) == 2000:
            Complaint.objects.bulk_create(batch)
            batch = []
    if batch:
        Complaint.objects.bulk_create(batch)


def persona(username, slug, role):
    from django.contrib.auth import get_user_model

    from districts import tokens
    from districts.models import StaffProfile, Unit

    user, _ = get_user_model().objects.get_or_create(username=username)
    StaffProfile.objects.update_or_create(user=user, defaults={"unit": Unit.objects.get(slug=slug), "role": role})
    return tokens.issue(user, "api_list_bench")[1]


def queries():
    today = datetime.now().date()
    month_ago = (today - timedelta(days=30)).isoformat()
    return [
        ("hq", "all, newest first", ""),
        ("hq", "status forwarded+noted", "?status=forwarded&status=noted"),
        ("hq", "zone subtree", "?unit=meerut-zone"),
        ("hq", "commissionerate not noted", "?unit=lucknow-commissionerate&noted=false"),
        ("hq", "overdue", "?overdue=true"),
        ("hq", "last 30 days, high priority", f"?received_after={month_ago}&received_before={today}&priority=high"),
        ("hq", "resolved in 30 days", f"?resolved_after={month_ago}&status=resolved"),
        ("hq", "category + status, oldest first", "?category=action&status=closed&ordering=received_at"),
        ("hq", "handle search", "?q=@user4242"),
        ("cell", "district queue", "?status=forwarded&status=noted&status=in_progress"),
        ("cell", "district overdue", "?overdue=true"),
    ]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per query")
    parser.add_argument("--fresh", action="store_true", help="delete earlier bench rows first")
    parser.add_argument("--quiet", action="store_true")
    options = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if url.startswith("postgres"):
        ensure_postgres_database(url)
    setup(url)
    progress = (lambda msg: None) if options.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    rows, fill_seconds = fill(options.rows, options.fresh, progress)

    from django.test import Client

    from districts.models import Role

    tokens = {"hq": persona("bench-hq", "up-police", Role.HQ_SUPERVISOR), "cell": persona("bench-meerut", "meerut", Role.CELL)}
    client = Client()
    per_query, everything = {}, []
    for who, name, query in queries():
        headers = {"HTTP_AUTHORIZATION": f"Token {tokens[who]}"}
        first = client.get("/api/v1/complaints/" + query, **headers)
        assert first.status_code == 200, (query, first.status_code, first.content[:300])
        timings = []
        next_url = first.json()["next"]
        for i in range(options.repeat):
            # Every third request follows the cursor to the next page, as a client scrolling would.
            url_ = next_url if (i % 3 == 2 and next_url) else "/api/v1/complaints/" + query
            started = time.perf_counter()
            response = client.get(url_, **headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        per_query[f"{who}: {name}"] = {"p50_ms": round(statistics.median(timings), 1),
                                      "p95_ms": round(percentile(timings, 0.95), 1),
                                      "results": len(first.json()["results"])}
        everything += timings

    from django.db import connection

    print(json.dumps({
        "bench": "api_list", "date": datetime.now(dt_timezone.utc).isoformat(timespec="seconds"),
        "database": connection.vendor, "rows": rows, "fill_seconds": round(fill_seconds, 1),
        "page_size": 50, "repeat": options.repeat,
        "p50_ms": round(statistics.median(everything), 1), "p95_ms": round(percentile(everything, 0.95), 1),
        "worst_query_p95_ms": max(q["p95_ms"] for q in per_query.values()), "target_p95_ms": 50,
        "queries": per_query,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
