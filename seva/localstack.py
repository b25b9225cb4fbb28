"""Run the production processes without Docker: gunicorn, a Celery worker and Celery beat, against the
PostgreSQL and Redis named in the environment, and stop them cleanly together.

    ENVIRONMENT=production SECRET_KEY=... ALLOWED_HOSTS=... DATABASE_URL=postgres://... REDIS_URL=redis://... \
        .venv/bin/python -m seva.localstack --port 8000

It migrates, loads the units and collects static files first (all idempotent). A process that dies is
started again on its own and the others keep running (at once the first time, then after a pause that
doubles up to 30 s while it keeps dying within a minute), as compose's restart policy does. Ctrl-C or
SIGTERM stops the three processes with SIGTERM and waits for each; the integration tests and the
benchmarks use the same class."""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(url, data=None, timeout=10):
    """GET (or POST `data` as JSON) and return (status, decoded JSON): for driving the stack and the
    simulated X API from tests and benchmarks."""
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"} if body else {})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.status, json.loads(resp.read() or b"null")


def postgres_admin(url):
    """An autocommit connection to the `postgres` database of the server a PostgreSQL URL names, for
    creating and dropping databases (tests and benchmarks)."""
    import environ
    import psycopg2

    config = environ.Env.db_url_config(url)
    admin = psycopg2.connect(dbname="postgres", user=config["USER"], host=config["HOST"],
                             port=config["PORT"] or 5432, password=config["PASSWORD"] or None)
    admin.autocommit = True
    return admin


@contextmanager
def scratch_database(url, prefix):
    """A new, empty database on the server a PostgreSQL URL names, dropped afterwards; yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = postgres_admin(url)
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


class LocalStack:
    def __init__(self, env=None, port=8000, workers=2, concurrency=2, log_dir=None, extra=()):
        self.env = {**os.environ, **(env or {}), "DJANGO_SETTINGS_MODULE": "seva.settings"}
        self.port, self.workers, self.concurrency = port, workers, concurrency
        self.log_dir = Path(log_dir) if log_dir else None
        self.extra = list(extra)  # more (name, argv) processes, e.g. the simulated X API
        self.procs, self.logs, self.argv = {}, {}, {}
        self.restarts, self.started_at, self.due = {}, {}, {}

    def manage(self, *args, timeout=600):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True,
                              capture_output=True, text=True, timeout=timeout)

    def prepare(self):
        self.manage("migrate", "--noinput")
        self.manage("load_units")
        self.manage("collectstatic", "--noinput")

    def _start(self, name, argv):
        out = subprocess.DEVNULL
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = self.logs.get(name) or open(self.log_dir / f"{name}.log", "a+")
            self.logs[name] = out
        self.argv[name] = argv
        self.started_at[name] = time.monotonic()
        self.procs[name] = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def supervise(self):
        """Start again every process that has exited, leaving the others alone. Returns [(name, exit code,
        new pid)] for those started again now."""
        restarted = []
        now = time.monotonic()
        for name, proc in list(self.procs.items()):
            code = proc.poll()
            if code is None:
                continue
            if name not in self.due:
                # What is left of it (Celery's pool processes) goes too, so two workers never share the work.
                _kill_group(proc.pid, signal.SIGKILL)
                quick = now - self.started_at[name] < 60
                self.restarts[name] = self.restarts.get(name, 0) + 1 if quick else 1
                self.due[name] = now + min(30.0, 2.0 ** (self.restarts[name] - 1) - 1)
            if now >= self.due[name]:
                del self.due[name]
                self._start(name, self.argv[name])
                restarted.append((name, code, self.procs[name].pid))
        return restarted

    def start(self):
        for name, argv in self.extra:
            self._start(name, argv)
        self._start("web", [str(BIN / "gunicorn"), "seva.wsgi", "--bind", f"127.0.0.1:{self.port}",
                            "--workers", str(self.workers), "--graceful-timeout", "10"])
        self._start("worker", [str(BIN / "celery"), "-A", "seva", "worker", "--loglevel", "INFO",
                               "--concurrency", str(self.concurrency), "--without-gossip", "--without-mingle"])
        schedule = (self.log_dir or Path("/tmp")) / f"celerybeat-schedule-{self.port}"
        self._start("beat", [str(BIN / "celery"), "-A", "seva", "beat", "--loglevel", "INFO",
                             "--schedule", str(schedule)])
        return self

    def stop(self, timeout=30):
        """SIGTERM every process group, wait; returns {name: exit code or 'killed'}."""
        for proc in self.procs.values():
            if proc.poll() is None:
                _kill_group(proc.pid, signal.SIGTERM)
        exits = {}
        for name, proc in self.procs.items():
            try:
                exits[name] = proc.wait(timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc.pid, signal.SIGKILL)
                exits[name] = "killed"
        return exits

    def log_tail(self, chars=3000):
        tails = {}
        for name, handle in self.logs.items():
            handle.flush()
            handle.seek(0)
            tails[name] = handle.read()[-chars:]
        return tails

    @staticmethod
    def clean(exits):
        # gunicorn and celery exit 0 on SIGTERM; a process killed by the signal itself reports -15.
        return {name: code for name, code in exits.items() if code not in (0, -signal.SIGTERM)}

    def pids(self):
        return {name: proc.pid for name, proc in self.procs.items()}

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _kill_group(pid, sig):
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--skip-prepare", action="store_true")
    args = parser.parse_args(argv)
    stack = LocalStack(port=args.port, workers=args.workers, concurrency=args.concurrency)
    if not args.skip_prepare:
        stack.prepare()
    stack.start()
    print(f"web http://127.0.0.1:{args.port}/ , Celery worker and beat running; Ctrl-C stops them.", flush=True)
    print("pids", json.dumps(stack.pids()), flush=True)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *a: stopping.append(True))
    try:
        while not stopping:
            for name, code, pid in stack.supervise():
                print(f"{name} exited ({code}); started again as pid {pid}", flush=True)
                print("pids", json.dumps(stack.pids()), flush=True)
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    exits = stack.stop()
    print("stopped:", exits, flush=True)
    return 1 if LocalStack.clean(exits) else 0


if __name__ == "__main__":
    sys.exit(main())
