"""Helpers shared by the benchmark scripts: a throw-away database, the project's manage.py, a free
loopback port, and a gunicorn process that is always stopped."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_env(database_url=None, **extra):
    env = dict(os.environ)
    if database_url is None:
        folder = tempfile.mkdtemp(prefix="seva-bench-")
        database_url = f"sqlite:///{folder}/bench.sqlite3"
    env.update({
        "DATABASE_URL": database_url, "DEBUG": "off", "LOG_LEVEL": "WARNING", "REDIS_URL": "",
        "CELERY_BROKER_URL": "memory://", "DJANGO_SETTINGS_MODULE": "seva.settings",
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(env, *args):
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def run_python(env, code):
    """Run code with Django set up in a child process (so the bench's own process stays light)."""
    prelude = "import django; django.setup()\n"
    done = subprocess.run([PYTHON, "-c", prelude + code], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    return done.stdout


@contextlib.contextmanager
def gunicorn(env, port, workers, probe="/"):
    binary = Path(PYTHON).with_name("gunicorn")
    process = subprocess.Popen(
        [str(binary), "seva.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--log-level", "warning", "--access-logfile", "-" if env.get("BENCH_ACCESS_LOG") else "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start: " + process.stderr.read().decode()[-2000:])
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
