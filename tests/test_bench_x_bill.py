"""The X bill benchmark runs and prints a bill that adds up (the figures themselves are in the README)."""

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_x_bill_bench_prints_a_bill_that_adds_up():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "x_bill_bench.py"), "--no-watches"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert result["complaints_handled"] > 0
    assert sum(Decimal(k["usd"]) for k in result["by_kind"].values()) == Decimal(result["total_usd"])
    assert result["by_kind"]["summoned_reply"]["resources"] >= result["complaints_handled"]
    assert Decimal(result["per_complaint_usd"]) == (Decimal(result["total_usd"]) / result["complaints_handled"]
                                                    ).quantize(Decimal("0.0001"))
