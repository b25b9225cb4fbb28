"""The benchmark scripts run end to end at a tiny size, so that they cannot rot. (The figures come from
running them by hand at full size; see the README.)"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def run(script, tmp_path, *args):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/bench.sqlite3"}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, done.stdout  # one JSON line, nothing else on stdout
    return json.loads(lines[0])


def test_lookup_bench(tmp_path):
    result = run("lookup_bench.py", tmp_path, "--complaints", "3", "--duration", "1", "--rounds", "1",
                 "--workers", "1", "--connections", "2", "--tool", "python")
    assert result["bench"] == "lookup" and result["errors"] == 0
    assert result["constant_rps"] > 0 and result["track_rps"] > 0 and result["ratio"] > 0


def test_api_list_bench(tmp_path):
    result = run("api_list_bench.py", tmp_path, "--rows", "300", "--repeat", "2", "--quiet")
    assert result["bench"] == "api_list" and result["rows"] == 300 and result["database"] == "sqlite"
    assert result["p95_ms"] > 0 and len(result["queries"]) >= 10
    assert all(q["results"] >= 0 for q in result["queries"].values())
