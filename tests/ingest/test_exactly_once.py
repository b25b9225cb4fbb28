"""Exactly once, for real: ingest processes killed with SIGKILL at random points, two pollers at once."""

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from .processes import PYTHON, ROOT, counts, database_url, env_for, manage, mention_count, prepare

sys.path.insert(0, str(ROOT / "bench"))
import ingest_bench  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture
def proc_db(tmp_path):
    with database_url(tmp_path) as url:
        env = env_for(url)
        prepare(env)
        yield env


def test_sigkill_at_random_points_never_files_twice_or_loses_a_mention(proc_db, tmp_path):
    n = 4000
    path = tmp_path / "mentions.jsonl"
    ingest_bench.generate(path, n, seed=11)
    rng = random.Random(5)
    kills, partial = 0, None
    for attempt in range(5):
        process = subprocess.Popen([PYTHON, "manage.py", "ingest_file", str(path), "--no-progress", "--batch", "50"],
                                   cwd=ROOT, env=proc_db, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if attempt == 0:
            # The first kill comes once some batches have committed; the others land anywhere.
            deadline = time.monotonic() + 60
            while mention_count(proc_db["DATABASE_URL"]) == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(rng.uniform(0, 0.3))
        else:
            time.sleep(rng.uniform(0.2, 1.5))  # filing runs at hundreds a second: kill early
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            kills += 1
        process.wait()
        if attempt == 0:
            partial = counts(proc_db)
    assert kills >= 3
    # The first kill landed mid-ingest: some batches were committed, the one in flight rolled back.
    assert 0 < partial["mentions"] < n and partial["pending"] == 0
    assert partial["complaints"] == partial["complaint_mentions"] == partial["replies"]
    manage(proc_db, "ingest_file", str(path), "--no-progress", "--jobs", "2")   # finish with two processes
    result = counts(proc_db)
    assert result["mentions"] == n and result["pending"] == 0
    assert result["complaints"] == result["complaint_mentions"] == result["file_events"] == result["replies"]
    assert result["files_per_complaint"] == [1]
    assert result["messages"] == result["follow_up_mentions"] + result["district_mentions"]


def test_two_pollers_at_once(proc_db, tmp_path):
    from twitter_ingest.fake_api import FakeXServer

    with FakeXServer() as server:
        for i in range(400):
            server.fake.add_tweet({"author": f"citizen{i % 37}", "text": f"@Uppolice problem number {i} near Aliganj"})
        env = {**proc_db, "X_API_BASE_URL": server.url, "X_BEARER_TOKEN": "test"}
        for shared_lock in (False, True):
            if shared_lock:
                env["REDIS_URL"] = "redis://127.0.0.1:6379/1"
                for i in range(400, 600):
                    server.fake.add_tweet({"author": "late", "text": f"@Uppolice second wave {i}"})
            pollers = [subprocess.Popen([PYTHON, "manage.py", "poll_mentions"], cwd=ROOT, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
            outputs = [p.communicate(timeout=120) for p in pollers]
            assert all(p.returncode == 0 for p in pollers), outputs
        result = counts(proc_db)
    assert result["mentions"] == result["complaints"] == result["file_events"] == 600
    assert result["files_per_complaint"] == [1]
