"""Lookup benchmark: requests per second of the public tracking page /track/<code>/ and of a trivial view
that returns a constant (/bench/constant/, only with BENCH_VIEWS on), side by side in one run under the
same gunicorn on loopback. Target: the lookup serves at least 80% of the trivial view's rate.

    .venv/bin/python bench/lookup_bench.py [--complaints 50] [--duration 10] [--rounds 5] [--workers 4] [--connections 32]

Uses a fresh SQLite file unless DATABASE_URL is set (then that database, which must be migrated or
migratable; use a database of its own). wrk is used when installed, otherwise a Python load generator
with threads. The throttle is raised for the run (TRACK_THROTTLE). Prints one JSON line.
"""

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import http.client
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _web_bench import bench_env, free_port, gunicorn, manage, run_python  # noqa: E402

FILL = """
import json
from complaints import lifecycle
from districts.models import Unit
units = list(Unit.objects.routable().filter(unit_type="district")[:20])
codes = []
for i in range({n}):
    c = lifecycle.file_complaint(text=f"Bench complaint {{i}}: loud music near the market at night", author_username="bench")
    c = lifecycle.forward(c, units[i % len(units)])
    if i % 2:
        c = lifecycle.note(c)
    if i % 4 == 3:
        c = lifecycle.resolve(lifecycle.report(c, "Party told to lower the volume; matter settled."))
    codes.append(c.tracking_code)
print(json.dumps(codes))
"""


def wrk_rps(port, path_or_script, duration, connections, threads):
    args = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(duration))}s", "--latency"]
    if path_or_script.endswith(".lua"):
        args += ["-s", path_or_script, f"http://127.0.0.1:{port}/"]
    else:
        args += [f"http://127.0.0.1:{port}{path_or_script}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return rps, int(bad.group(1)) if bad else 0, sum(map(int, errors.groups())) if errors else 0


def python_rps(port, paths, duration, connections):
    """Keep-alive-less HTTP/1.1 GETs from threads (gunicorn's sync workers close each connection anyway)."""
    stop = time.monotonic() + duration
    counts, bad = [0] * connections, [0] * connections

    def worker(slot):
        i = slot
        while time.monotonic() < stop:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", paths[i % len(paths)])
            response = conn.getresponse()
            response.read()
            conn.close()
            counts[slot] += 1
            bad[slot] += response.status >= 400
            i += connections

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - started), sum(bad), 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=50)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of each view")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    options = parser.parse_args(argv)

    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp(prefix='seva-bench-')}/bench.sqlite3"
    if "conn_max_age" not in database_url:  # persistent connections, as production should run
        database_url += ("&" if "?" in database_url else "?") + "conn_max_age=60"
    env = bench_env(database_url, BENCH_VIEWS="on", TRACK_THROTTLE="100000000/min")
    manage(env, "migrate", "--noinput")
    manage(env, "load_units")
    codes = json.loads(run_python(env, FILL.format(n=options.complaints)).strip().splitlines()[-1])

    tool = options.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
    port = free_port()
    paths = [f"/track/{code}/" for code in codes]
    results = {"constant": [], "track": []}
    bad = 0
    with gunicorn(env, port, options.workers, probe="/bench/constant/"), tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "codes.lua"
        script.write_text(
            "codes = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
            "i = 0\nrequest = function()\n  i = i + 1\n"
            "  return wrk.format('GET', codes[(i % #codes) + 1])\nend\n"
        )
        # Steady state is what is measured: every worker renders every page once before the clock starts
        # (a first lookup renders the page and caches it; later ones are served from the cache).
        for path in paths * (options.workers * 3):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
                response.read()
        warm = max(1.0, options.duration / 5)
        for _ in range(options.rounds):
            for name, target in (("constant", "/bench/constant/"), ("track", str(script))):
                if tool == "wrk":
                    wrk_rps(port, target, warm, options.connections, 2)  # warm up this view
                    rps, non2xx, errors = wrk_rps(port, target, options.duration, options.connections, 2)
                else:
                    targets = ["/bench/constant/"] if name == "constant" else paths
                    python_rps(port, targets, warm, min(options.connections, 16))
                    rps, non2xx, errors = python_rps(port, targets, options.duration, min(options.connections, 16))
                results[name].append(rps)
                bad += non2xx + errors

    # The machine may be shared: each round measures both views back to back, and the ratio reported is
    # the median of the rounds' ratios (the rates are the best of the rounds).
    ratios = sorted(t / c for c, t in zip(results["constant"], results["track"]) if c)
    ratio = ratios[len(ratios) // 2] if ratios else None
    constant, track = max(results["constant"]), max(results["track"])
    print(json.dumps({
        "bench": "lookup", "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "database": env["DATABASE_URL"].split(":", 1)[0], "complaints": len(codes), "tool": tool,
        "workers": options.workers, "connections": options.connections, "duration_s": options.duration,
        "constant_rps": round(constant, 1), "track_rps": round(track, 1),
        "ratio": round(ratio, 3) if ratio else None, "target_ratio": 0.8,
        "errors": bad, "cpus": os.cpu_count(), "python": platform.python_version(),
        "rounds": {k: [round(v, 1) for v in vals] for k, vals in results.items()},
    }))


if __name__ == "__main__":
    main()
