"""The production processes heal and /healthz tells the truth about them: `python -m seva.localstack` on
PostgreSQL and Redis starts a worker or beat again when it dies and leaves the others running, and
/healthz and /metrics report a frozen worker or beat as down (from evidence: heartbeats, beat's ticks,
Celery's ping), then up again."""

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from seva.localstack import ROOT, free_port, http_json, scratch_database

from .conftest import require_services

PG = os.environ.get("STACK_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("STACK_REDIS", "redis://127.0.0.1:6379/8")
METRICS_TOKEN = secrets.token_urlsafe(24)

pytestmark = pytest.mark.slow


class Output:
    """The localstack's printed lines, read as they come."""

    def __init__(self, proc):
        self.lines = []
        self.thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self.thread.start()

    def _read(self, proc):
        for line in proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def pids(self):
        found = [json.loads(line[5:]) for line in self.lines if line.startswith("pids ")]
        return found[-1] if found else None


def _wait(predicate, timeout, what, proc=None):
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline and (proc is None or proc.poll() is None):
        try:
            last = predicate()
            if last:
                return last
        except Exception as exc:  # the web server may not be up yet
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def stack_db():
    with scratch_database(f"{PG}/postgres", "seva_heal") as url:
        yield url


def test_a_dead_worker_or_beat_is_started_again_and_health_tells(stack_db, tmp_path):
    require_services(PG, REDIS)
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "X_", "CELERY"))},
        "ENVIRONMENT": "production", "SECRET_KEY": secrets.token_urlsafe(50), "DEBUG": "off",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "DATABASE_URL": stack_db, "REDIS_URL": REDIS,
        "STATIC_ROOT": str(tmp_path / "static"), "SECURE_COOKIES": "off", "METRICS_TOKEN": METRICS_TOKEN,
        "HEALTH_HEARTBEAT_SECONDS": "1", "HEALTH_PING_TIMEOUT": "0.5", "LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen([sys.executable, "-m", "seva.localstack", "--port", str(port), "--workers", "1",
                             "--concurrency", "1"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    out = Output(proc)
    web = f"http://127.0.0.1:{port}"

    def check(name):
        return http_json(f"{web}/healthz")[1]["checks"][name]

    def restarted(name, before):
        now = out.pids()
        return now if now[name] != before[name] else None

    def down(name):
        found = check(name)
        return None if found["ok"] else found

    def metric(name):
        request = urllib.request.Request(f"{web}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
        return next(float(line.split()[-1]) for line in text.splitlines() if line.startswith(f"seva_{name} "))

    try:
        pids = _wait(out.pids, 240, "the stack to start", proc)
        _wait(lambda: check("worker").get("evidence") == "heartbeat", 180, "the worker's first heartbeat")
        _wait(lambda: check("beat").get("evidence") == "tick", 60, "beat's first tick")
        assert metric("worker_up") == 1 and metric("beat_up") == 1

        # A frozen worker is a process that runs no task and answers no ping: down, and degraded.
        os.killpg(pids["worker"], signal.SIGSTOP)
        worker = _wait(lambda: down("worker"), 30, "the frozen worker reported")
        assert worker["evidence"] == "none" and http_json(f"{web}/healthz")[1]["status"] == "degraded"
        assert metric("worker_up") == 0
        os.killpg(pids["worker"], signal.SIGCONT)
        _wait(lambda: check("worker")["ok"], 30, "the thawed worker reported alive")

        # A frozen beat: its ticks stop; the worker, no longer fed heartbeats, is vouched for by its ping.
        os.killpg(pids["beat"], signal.SIGSTOP)
        _wait(lambda: down("beat"), 30, "the frozen beat reported")
        assert metric("beat_up") == 0
        _wait(lambda: check("worker").get("evidence") == "ping", 30, "the worker alive by its ping")
        os.killpg(pids["beat"], signal.SIGCONT)

        # A killed worker is started again; web and beat keep running as they were.
        os.killpg(pids["worker"], signal.SIGKILL)
        after = _wait(lambda: restarted("worker", pids), 30, "the worker's restart")
        assert after["web"] == pids["web"] and after["beat"] == pids["beat"]
        assert _alive(pids["web"]) and _alive(pids["beat"]) and not _alive(pids["worker"])
        assert any(line.startswith("worker exited (-9)") for line in out.lines)
        _wait(lambda: check("worker").get("evidence") == "heartbeat", 120, "the new worker's heartbeat")

        # A killed beat likewise.
        os.killpg(pids["beat"], signal.SIGKILL)
        again = _wait(lambda: restarted("beat", pids), 30, "beat's restart")
        assert again["web"] == pids["web"] and again["worker"] == after["worker"]
        _wait(lambda: check("beat").get("evidence") == "tick", 60, "the new beat's ticks")
        assert http_json(f"{web}/healthz")[0] == 200
    finally:
        for pid in (out.pids() or {}).values():
            try:
                os.killpg(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            code = "killed"
        for pid in (out.pids() or {}).values():
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        print("\n".join(out.lines[-60:]))  # shown when the test fails
    assert code == 0, "\n".join(out.lines[-40:])

