"""The dashboard benchmark script runs end to end at a tiny size (the real run is by hand, see README)."""

import importlib.util
from pathlib import Path

from django.conf import settings

from complaints.models import Complaint


def _bench():
    path = Path(settings.BASE_DIR) / "bench" / "dashboard_bench.py"
    spec = importlib.util.spec_from_file_location("dashboard_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_populates_and_measures(db):
    bench = _bench()
    assert bench.populate(300, chunk=120) == 300
    assert Complaint.objects.count() == 300
    assert bench.populate(300) == 0  # a second run keeps the rows
    result = bench.measure(repeats=2)
    assert set(result) == {f"{page}_{p}_ms" for page in ("hq_inbox", "district_queue", "supervisor_view",
                                                         "search_words", "league_month", "league_month_cold",
                                                         "league_month_range_cold") for p in ("p50", "p95")}
    assert all(value > 0 for value in result.values())
