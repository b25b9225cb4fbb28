"""The evaluation script stays runnable, keeps the evaluation set for measurement only, and the rules keep
reading the development set (train.jsonl) as it is labelled."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _bench(*args):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run([sys.executable, "bench/triage_eval.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_the_development_set_is_read_as_labelled():
    result = _bench("--corpus", "fixtures/triage/train.jsonl", "--rounds", "1", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["lines"] == 644
    assert figures["sensitive_recall"] == 1.0 and figures["false_noted"] == 0
    assert figures["false_restriction"] <= 0.02
    for name in ("urgent_recall", "unit_accuracy", "ack_recall", "appreciation_kept_out", "reply_language"):
        assert figures[name] >= 0.95, name
    assert figures["us_per_mention"] > 0


def test_the_evaluation_set_is_not_listed_line_by_line():
    result = _bench("--rounds", "1", "--mistakes")
    assert result.returncode != 0
    assert "only measured" in result.stderr
