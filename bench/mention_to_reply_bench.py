#!/usr/bin/env python
"""Mention to reply: seconds from a mention appearing in the simulated X API to the citizen's reply with
its tracking code being posted, through the production processes (gunicorn, Celery worker and beat on
PostgreSQL and Redis) at the configured poll interval (the default unless --poll-interval is given).

    .venv/bin/python bench/mention_to_reply_bench.py --mentions 20 --spread 600

Prints one JSON line. Needs PostgreSQL and Redis (BENCH_PG, BENCH_REDIS)."""

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seva.localstack import LocalStack, free_port, http_json, scratch_database  # noqa: E402

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/6")


def _http(url, data=None):
    return http_json(url, data)[1]


def _ts(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--mentions", type=int, default=10)
    parser.add_argument("--spread", type=float, default=300, help="seconds over which mentions arrive")
    parser.add_argument("--poll-interval", type=int, default=None, help="default: the settings default")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    import redis

    redis.Redis.from_url(REDIS).flushdb()
    with scratch_database(f"{PG}/postgres", "bench_m2r") as url:
        web_port, x_port = free_port(), free_port()
        env = {
            "ENVIRONMENT": "production", "SECRET_KEY": secrets.token_urlsafe(50), "DEBUG": "off",
            "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": url, "REDIS_URL": REDIS, "LOG_LEVEL": "WARNING",
            "METRICS_TOKEN": secrets.token_urlsafe(24),
            # Plain HTTP on loopback, no proxy, and the simulated X API, which production refuses (seva.E002).
            "SECURE_COOKIES": "off", "SECURE_SSL_REDIRECT": "off", "SILENCED_SYSTEM_CHECKS": "seva.E002",
            "STATIC_ROOT": tempfile.mkdtemp(prefix="bench-static-"),
            "X_API_BASE_URL": f"http://127.0.0.1:{x_port}", "X_BEARER_TOKEN": "t", "X_API_KEY": "k",
            "X_API_SECRET": "s", "X_ACCESS_TOKEN": "a", "X_ACCESS_SECRET": "b", "X_POST_ENABLED": "on",
        }
        if args.poll_interval:
            env["X_POLL_INTERVAL"] = str(args.poll_interval)
        stack = LocalStack(env=env, port=web_port, extra=[("x", [sys.executable, "manage.py", "fake_x_api",
                                                                 "--port", str(x_port)])])
        poll_interval = args.poll_interval or int(stack.manage("shell", "-c", "from django.conf import settings; "
                                                               "print(settings.X_POLL_INTERVAL)").stdout.split()[-1])
        stack.prepare()
        x = f"http://127.0.0.1:{x_port}"
        rng = random.Random(args.seed)
        sent = {}
        try:
            stack.start()
            deadline = time.monotonic() + 30
            while True:
                try:
                    _http(f"{x}/_sandbox/posted")
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
            time.sleep(poll_interval)  # let beat's first poll find an empty timeline
            gaps = sorted(rng.uniform(0, args.spread) for _ in range(args.mentions))
            start = time.monotonic()
            for i, at in enumerate(gaps):
                time.sleep(max(0.0, start + at - time.monotonic()))
                text = f"@Uppolice bench complaint {i}: meri cycle chori ho gayi"
                tweet = _http(f"{x}/_sandbox/tweets", [{"author": f"bench_citizen_{i}", "text": text}])
                tweet = tweet["data"][0] if isinstance(tweet, dict) and "data" in tweet else tweet[0]
                sent[tweet["id"]] = time.time()
            latencies, wait_until = {}, time.monotonic() + poll_interval * 3 + 60
            while len(latencies) < len(sent) and time.monotonic() < wait_until:
                posted = _http(f"{x}/_sandbox/posted")
                for t in (posted.get("data", posted) if isinstance(posted, dict) else posted):
                    parent = next((r["id"] for r in t.get("referenced_tweets", []) if r["type"] == "replied_to"), None)
                    if parent in sent and "UPP-" in t.get("text", "") and parent not in latencies:
                        latencies[parent] = _ts(t["created_at"]) - sent[parent]
                time.sleep(0.25)
        finally:
            exits = stack.stop()
    values = sorted(latencies.values())
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))] if values else None
    print(json.dumps({
        "bench": "mention_to_reply", "date": time.strftime("%Y-%m-%d"), "poll_interval_s": poll_interval,
        "mentions": len(sent), "replied": len(values),
        "p50_s": round(statistics.median(values), 2) if values else None,
        "p95_s": round(p95, 2) if p95 is not None else None, "max_s": round(max(values), 2) if values else None,
        "target_p95_s": poll_interval + 2, "met": bool(values) and len(values) == len(sent) and p95 < poll_interval + 2,
        "clean_stop": not LocalStack.clean(exits),
    }))
    return 0 if len(values) == len(sent) else 1


if __name__ == "__main__":
    sys.exit(main())
