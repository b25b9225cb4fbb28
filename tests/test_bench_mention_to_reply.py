"""The mention-to-reply benchmark runs end to end at a tiny size, so it cannot rot."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import require_services

ROOT = Path(__file__).resolve().parent.parent
REDIS = "redis://127.0.0.1:6379/7"
pytestmark = pytest.mark.slow


def test_mention_to_reply_bench_runs():
    require_services(redis_url=REDIS)
    # Its own Redis database: the benchmark flushes the one it uses.
    env = {**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, "BENCH_REDIS": REDIS}
    result = subprocess.run([sys.executable, "bench/mention_to_reply_bench.py", "--mentions", "2", "--spread", "1",
                             "--poll-interval", "2"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["bench"] == "mention_to_reply" and line["replied"] == line["mentions"] == 2
    assert line["clean_stop"] and line["p95_s"] > 0
