"""The outbox under SIGKILL: a backlog of replies is sent by sender processes that are killed at random
moments, while the simulated X API (a process of its own) fails about one call in ten and accepts the same
text twice (so a second post of a reply would show). At the end every reply must be on X exactly once.
Prints ONE JSON line: replies, kills, double posts, lost replies, wall time, X reads spent on look-backs.

    .venv/bin/python bench/outbox_kill_bench.py --replies 1000 --kills 200            # PostgreSQL (scratch db)
    .venv/bin/python bench/outbox_kill_bench.py --replies 300 --kills 50 --database sqlite
    .venv/bin/python bench/outbox_kill_bench.py --replies 300 --kills 50 --sender celery   # Celery workers

Senders: `loop` forks a process from this one (Django already loaded, so a kill costs nothing to replace)
that runs outbox.send_due in a loop, as the demo does; `celery` starts a real `celery -A seva worker` on
Redis, fed send_outbox tasks as beat would, and kills its whole process group. Kills land anywhere: while
claiming, during the look-back, between a post request's headers and its body (urllib3 writes them
apart: X gets a request cut short, counted as x_requests.cut_short, and must not act on it; a random
kill lands there only now and then, so loop senders also die there on --cut-short of their posts), while X
holds the post request (every post is answered --post-latency seconds after X took it, as a real post
takes a few hundred milliseconds), before the row is written. posts_of_no_row lists posts on X whose
(text, tweet replied to) is no row's; --dump writes every post and every row, claims and texts asked
for included, to a JSON file for tracing one.

X's faults, each with its share of all calls: 503 before the call takes effect, 503 after a post took
effect, a post answered only after the client's timeout, 429 with a one-second reset.
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seva.localstack import free_port, http_json, scratch_database  # noqa: E402

PG = "postgres://postgres@127.0.0.1:5432/postgres"
PLACES = ["Hazratganj", "Aliganj", "Chinhat", "Naini", "Sigra", "Indirapuram", "Loni", "Sahibabad", "Aminabad",
          "Gomti Nagar", "Lanka", "Civil Lines", "Kotwali", "Mahanagar", "Alambagh"]
API_TIMEOUT = 0.5      # the client gives up on X after this (the timeout faults answer later)
CLAIM_SECONDS = 2      # > 2 x API_TIMEOUT, as the system check demands


def faults(rate):
    """X's faults as the simulated API's sandbox takes them; their rates add up to about `rate`."""
    share = rate / 4
    return [
        {"route": "any", "status": 503, "rate": share},
        {"route": "post", "status": 503, "rate": share, "after": True},
        {"route": "post", "delay": 2.5 * API_TIMEOUT, "rate": share, "after": True},
        {"route": "any", "status": 429, "reset_in": 1, "rate": share},
    ]


def mentions(n, seed):
    rng = random.Random(seed)
    return [{"author": f"citizen{i % 97}", "text": f"@Uppolice {rng.choice(PLACES)} mein chori ho gayi, "
                                                  f"kripya madad karein (shikayat {i})"} for i in range(n)]


def _die_mid_post(rate):
    """With probability `rate` per post request, the sender dies by SIGKILL right after the request's headers
    are on the wire and before its body: the moment a random kill hits only now and then (issue #15)."""
    import urllib3.connection

    headers_sent = urllib3.connection.HTTPConnection.endheaders

    def endheaders(self, *args, **kwargs):
        headers_sent(self, *args, **kwargs)
        if self._method == "POST" and random.random() < rate:
            os.kill(os.getpid(), signal.SIGKILL)

    urllib3.connection.HTTPConnection.endheaders = endheaders


def _child_loop(cut_short=0.0):
    """A sender: send what is due until killed."""
    from django.db import connections

    from twitter_ingest import outbox

    random.seed()
    connections.close_all()
    if cut_short:
        _die_mid_post(cut_short)
    while True:
        if not outbox.send_due(limit=20):
            time.sleep(0.05)


class ForkedSenders:
    """Senders forked from this process."""

    def __init__(self, cut_short=0.0):
        self.cut_short = cut_short

    def start(self):
        pid = os.fork()
        if pid == 0:
            try:
                _child_loop(self.cut_short)
            finally:
                os._exit(1)
        return pid

    def kill(self, pid):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


class CelerySenders:
    """Real Celery workers (solo pool) on Redis, each killed with its whole process group."""

    def __init__(self, env, broker):
        from celery import Celery

        self.env, self.queue = env, f"outbox-kill-{os.getpid()}"
        self.app = Celery(broker=broker)

    def start(self):
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "seva", "worker", "-P", "solo", "-Q", self.queue,
             "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "WARNING"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        return proc

    def tick(self):
        # Short-lived, so none is left to run while the next worker starts up (no kill lands then).
        self.app.send_task("twitter_ingest.tasks.send_outbox", queue=self.queue, expires=1)

    def kill(self, proc):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _open(outbox_model):
    return outbox_model.objects.filter(status__in=["pending", "sending"]).count()


def run(replies=300, kills=50, fault_rate=0.1, max_life=0.35, post_latency=0.03, database="postgresql",
        sender="loop", seed=1, timeout=600, broker="redis://127.0.0.1:6379/6", margin=5,
        cut_short=0.03, dump=None):
    rng = random.Random(seed)
    started = time.monotonic()
    with ExitStack() as stack:
        if database == "sqlite":
            url = f"sqlite:///{stack.enter_context(tempfile.TemporaryDirectory())}/outbox.sqlite3"
        elif database.startswith("sqlite:"):
            url = database
        else:
            url = stack.enter_context(scratch_database(PG if database == "postgresql" else database, "outbox_kill"))
        port = free_port()
        x = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("X_", "CELERY", "REDIS", "DJANGO"))}
        env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="seva.settings", LOG_LEVEL="ERROR",
                   X_API_BASE_URL=x, X_BEARER_TOKEN="bench", X_API_KEY="k", X_API_SECRET="s",
                   X_ACCESS_TOKEN="1000000000000000001-bench", X_ACCESS_SECRET="s", X_POST_ENABLED="on",
                   X_API_TIMEOUT=str(API_TIMEOUT), X_OUTBOX_CLAIM_SECONDS=str(CLAIM_SECONDS),
                   X_OUTBOX_BACKOFF_SECONDS="0.05", X_POST_MAX_PER_15MIN="1000000", X_OUTBOX_BATCH="20",
                   # The simulated X runs on this machine's clock, and this bench posts some 5 replies a
                   # second (production at most 90 in 15 minutes): a margin of 300 s would read back
                   # some 1,500 posts on every look-back here.
                   X_OUTBOX_LOOKBACK_MARGIN_SECONDS=str(margin),
                   PYTHONPATH=str(ROOT))
        if sender == "celery":
            import redis

            redis.Redis.from_url(broker).flushdb()
            env.update(CELERY_BROKER_URL=broker, CELERY_TASK_ALWAYS_EAGER="false")
        os.environ.update(env)
        fake = subprocess.Popen([sys.executable, "manage.py", "fake_x_api", "--port", str(port)], cwd=ROOT,
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stack.callback(lambda: (fake.terminate(), fake.wait(10)))

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from complaints import reasons
        from twitter_ingest.models import Outbox

        with open(os.devnull, "w") as quiet:
            call_command("migrate", verbosity=0, stdout=quiet)
            call_command("load_units", verbosity=0, stdout=quiet)
        for _ in range(200):
            try:
                http_json(f"{x}/_sandbox/posted")
                break
            except OSError:
                time.sleep(0.1)
        http_json(f"{x}/_sandbox/limits", {"post": 10**7, "tweets": 10**7, "mentions": 10**7, "user": 10**7})
        feed = mentions(replies, seed)
        for start in range(0, replies, 500):
            # X serves the newest 800 mentions: poll after every 500.
            http_json(f"{x}/_sandbox/tweets", feed[start:start + 500], timeout=60)
            with open(os.devnull, "w") as quiet:
                call_command("poll_mentions", stdout=quiet)
        backlog = Outbox.objects.filter(status="pending").count()
        http_json(f"{x}/_sandbox/duplicates", {"reject": False})
        http_json(f"{x}/_sandbox/latency", {"post": post_latency})
        http_json(f"{x}/_sandbox/faults", faults(fault_rate))
        connections.close_all()

        senders = CelerySenders(env, broker) if sender == "celery" else ForkedSenders(cut_short)
        done_kills, send_started = 0, time.monotonic()
        while time.monotonic() - started < timeout:
            handle = senders.start()
            if sender == "celery":
                time.sleep(3.0)        # a worker takes a few seconds to start; no kill before it consumes
            life = rng.uniform(0.02, max_life) if done_kills < kills else 1.0
            end = time.monotonic() + life
            while time.monotonic() < end:
                if sender == "celery":
                    senders.tick()
                time.sleep(min(0.1, max(0.0, end - time.monotonic())))
            remaining = _open(Outbox)
            connections.close_all()
            senders.kill(handle)
            if remaining and done_kills < kills:
                done_kills += 1
            if not remaining:
                break
        wall = time.monotonic() - send_started

        posted = http_json(f"{x}/_sandbox/posted", timeout=60)[1]["data"]
        requests = http_json(f"{x}/_sandbox/requests")[1]["data"]
        rows = list(Outbox.objects.values("pk", "text", "in_reply_to_tweet_id", "status", "posted_tweet_id",
                                          "reason", "lookback_reads", "attempts"))
        if dump:
            full = list(Outbox.objects.order_by("pk").values())
            Path(dump).write_text(json.dumps({"posted": posted, "rows": full}, default=str, ensure_ascii=False))
        connections.close_all()
    on_x = Counter((t["text"], (t.get("referenced_tweets") or [{}])[0].get("id", "")) for t in posted)
    ids_on_x = {t["id"] for t in posted}
    statuses = Counter(r["status"] for r in rows)
    doubles = sum(max(0, on_x[(r["text"], r["in_reply_to_tweet_id"])] - 1) for r in rows)
    ours = {(r["text"], r["in_reply_to_tweet_id"]) for r in rows}
    strays = [{"id": t["id"], "text": t["text"][:120], "created_at": t.get("created_at"),
               "in_reply_to": (t.get("referenced_tweets") or [{}])[0].get("id", "")}
              for t in posted if (t["text"], (t.get("referenced_tweets") or [{}])[0].get("id", "")) not in ours]
    lost = sum(1 for r in rows if r["status"] != "sent" or r["posted_tweet_id"] not in ids_on_x
               or on_x[(r["text"], r["in_reply_to_tweet_id"])] == 0)
    return {
        "bench": "outbox_kill", "database": "sqlite" if url.startswith("sqlite") else "postgresql",
        "sender": sender, "replies": len(rows), "backlog_at_start": backlog, "kills": done_kills,
        "x_fault_rate": fault_rate, "cut_short_rate": cut_short if sender == "loop" else 0,
        "lookback_margin_seconds": margin, "double_posts": doubles, "lost": lost,
        "statuses": dict(statuses),
        "posts_on_x": len(posted), "posts_of_no_row": strays[:10],
        "found_already_posted": sum(1 for r in rows if reasons.code_of(r["reason"]) in (
            reasons.FOUND_POSTED_EARLIER, reasons.X_SAYS_ALREADY_POSTED)),
        "lookback_reads": sum(r["lookback_reads"] for r in rows), "x_requests": requests,
        "max_attempts": max((r["attempts"] for r in rows), default=0),
        "not_sent": [{"status": r["status"], "reason": reasons.describe_in("en", r["reason"])[:160]} for r in rows if r["status"] != "sent"][:10],
        "wall_seconds": round(wall, 1), "total_seconds": round(time.monotonic() - started, 1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=300)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--fault-rate", type=float, default=0.1)
    parser.add_argument("--max-life", type=float, default=0.35, help="a sender lives up to this many seconds")
    parser.add_argument("--post-latency", type=float, default=0.03)
    parser.add_argument("--cut-short", type=float, default=0.03,
                        help="share of post requests whose sender dies between headers and body (loop senders)")
    parser.add_argument("--database", default="postgresql", help="postgresql, sqlite, or a database URL")
    parser.add_argument("--sender", choices=["loop", "celery"], default="loop")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--margin", type=int, default=5, help="X_OUTBOX_LOOKBACK_MARGIN_SECONDS for the senders")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--dump", help="write every post on X and every outbox row to this JSON file")
    args = parser.parse_args(argv)
    result = run(replies=args.replies, kills=args.kills, fault_rate=args.fault_rate, max_life=args.max_life,
                 post_latency=args.post_latency, database=args.database, sender=args.sender, seed=args.seed,
                 cut_short=args.cut_short,
                 timeout=args.timeout, margin=args.margin, dump=args.dump)
    print(json.dumps(result), flush=True)
    exact = result["posts_on_x"] == result["replies"] and not result["posts_of_no_row"]
    return 0 if result["double_posts"] == 0 and result["lost"] == 0 and exact else 1


if __name__ == "__main__":
    sys.exit(main())
