"""The production processes without Docker, as the README runs them: gunicorn, a Celery worker and beat
against PostgreSQL and Redis, with the simulated X API standing in for X. A mention fed to the API becomes
a complaint, the citizen's reply with the tracking code is posted, and every process stops cleanly."""

import json
import os
import secrets
import sys
import time

import pytest

from seva.localstack import LocalStack, free_port, http_json, scratch_database

from .conftest import require_services

PG = os.environ.get("STACK_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("STACK_REDIS", "redis://127.0.0.1:6379/5")

pytestmark = pytest.mark.slow


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except Exception:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def stack_db():
    with scratch_database(f"{PG}/postgres", "seva_stack") as url:
        yield url


def test_stack_files_a_mention_and_replies(stack_db, tmp_path):
    require_services(PG, REDIS)
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    web_port, x_port = free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))},
        "ENVIRONMENT": "production", "SECRET_KEY": secrets.token_urlsafe(50), "DEBUG": "off",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "DATABASE_URL": stack_db, "REDIS_URL": REDIS,
        "STATIC_ROOT": str(tmp_path / "static"), "METRICS_TOKEN": secrets.token_urlsafe(24),
        # Plain HTTP on loopback, no proxy, and the simulated X API, which production refuses (seva.E002).
        "SECURE_COOKIES": "off", "SECURE_SSL_REDIRECT": "off", "SILENCED_SYSTEM_CHECKS": "seva.E002",
        "X_API_BASE_URL": f"http://127.0.0.1:{x_port}", "X_BEARER_TOKEN": "t", "X_API_KEY": "k",
        "X_API_SECRET": "s", "X_ACCESS_TOKEN": "a", "X_ACCESS_SECRET": "b", "X_POST_ENABLED": "on",
        "X_POLL_INTERVAL": "2", "X_OUTBOX_INTERVAL": "1", "DJANGO_SETTINGS_MODULE": "seva.settings",
    }
    x = f"http://127.0.0.1:{x_port}"
    stack = LocalStack(env=env, port=web_port, log_dir=tmp_path,
                       extra=[("x", [sys.executable, "manage.py", "fake_x_api", "--port", str(x_port)])])
    stack.prepare()
    try:
        stack.start()
        _wait(lambda: http_json(f"{x}/_sandbox/posted")[0] == 200, 90, "the simulated X API")
        health = _wait(lambda: http_json(f"http://127.0.0.1:{web_port}/healthz"), 120, "gunicorn /healthz")
        assert health[0] == 200 and health[1]["checks"]["broker"]["mode"] == "redis"

        http_json(f"{x}/_sandbox/tweets", [{"author": "citizen_stack", "text": "@Uppolice Meerut mein meri bike chori ho gayi, FIR nahi likh rahe"}])

        def replied():
            posted = http_json(f"{x}/_sandbox/posted")[1]
            items = posted.get("data", posted) if isinstance(posted, dict) else posted
            return [t for t in items if "UPP-" in t.get("text", "")]

        reply = _wait(replied, 180, "the reply with the tracking code")[0]
        code = next(word.strip(".,।") for word in reply["text"].split() if word.startswith("UPP-"))
        status, track = http_json(f"http://127.0.0.1:{web_port}/api/v1/track/{code}/")
        assert status == 200 and track["tracking_code"] == code
    finally:
        exits = stack.stop()
        dump = stack.log_tail()
    unclean = LocalStack.clean(exits)
    assert not unclean, f"processes did not stop cleanly: {unclean}\n{json.dumps(dump, indent=1)[:6000]}"
