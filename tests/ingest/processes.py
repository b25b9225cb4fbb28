"""Helpers for tests that run the ingest in other processes against a database of their own."""

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import environ

from seva.localstack import scratch_database

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


@contextmanager
def database_url(tmp_dir):
    """A fresh database for subprocesses: PostgreSQL when the tests run on it, else a SQLite file."""
    current = os.environ.get("DATABASE_URL", "")
    if current.startswith("postgres"):
        with scratch_database(current, "ingest_proc") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_dir}/ingest.sqlite3"


def env_for(url, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("X_", "CELERY", "REDIS"))}
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="seva.settings", LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT))
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(env, *args, check=True, timeout=120):
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def prepare(env):
    manage(env, "migrate", "-v0")
    manage(env, "load_units", "-v0")


COUNTS = """
import json
from django.db.models import Count
from complaints.models import Complaint, Event, Message
from twitter_ingest.models import Mention, Outbox
print(json.dumps({
    "mentions": Mention.objects.count(),
    "pending": Mention.objects.filter(outcome="pending").count(),
    "complaint_mentions": Mention.objects.filter(outcome="complaint").count(),
    "follow_up_mentions": Mention.objects.filter(outcome="follow_up").count(),
    "district_mentions": Mention.objects.filter(outcome="district_update").count(),
    "complaints": Complaint.objects.count(),
    "file_events": Event.objects.filter(action="file").count(),
    "files_per_complaint": sorted(set(Event.objects.filter(action="file").values("complaint")
                                      .annotate(n=Count("id")).values_list("n", flat=True))),
    "messages": Message.objects.count(),
    "replies": Outbox.objects.filter(kind="reply_with_code").count(),
}))
"""


def counts(env):
    return json.loads(manage(env, "shell", "-c", COUNTS).stdout.strip().splitlines()[-1])


def mention_count(url):
    """Filed mentions, read straight from the database (cheap enough to poll)."""
    config = environ.Env.db_url_config(url)
    if "sqlite" in config["ENGINE"]:
        import sqlite3

        connection = sqlite3.connect(config["NAME"], timeout=20)
    else:
        import psycopg2

        connection = psycopg2.connect(dbname=config["NAME"], user=config["USER"], host=config["HOST"],
                                      port=config["PORT"] or 5432, password=config["PASSWORD"] or None)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT count(*) FROM twitter_ingest_mention")
        return cursor.fetchone()[0]
    finally:
        connection.close()
