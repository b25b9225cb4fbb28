"""The benchmark script stays runnable: a tiny run on a SQLite file."""

import json
import subprocess

import pytest

from .processes import PYTHON, ROOT, env_for

pytestmark = pytest.mark.slow


def test_bench_runs_and_prints_one_json_line(tmp_path):
    url = f"sqlite:///{tmp_path}/bench.sqlite3"
    result = subprocess.run([PYTHON, "bench/ingest_bench.py", "--n", "200", "--database-url", url], cwd=ROOT,
                            env=env_for(url), capture_output=True, text=True, timeout=360)
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["n"] == 200 and line["exactly_once"] and line["rerun_new"] == 0
    assert line["ingest_file_mentions_per_s"] > 0 and line["raw_insert_rows_per_s"] > 0
    # One process and --jobs 2, each beside the raw INSERT rate measured in the same run, and their ratio.
    assert set(line["rates"]) == {"jobs_1", "jobs_2"}
    for rate in line["rates"].values():
        assert rate["exactly_once"] and 0 < rate["ratio"] == pytest.approx(
            rate["mentions_per_s"] / rate["raw_insert_rows_per_s"], rel=0.01)
