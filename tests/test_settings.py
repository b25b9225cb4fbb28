"""Settings come from the environment; production refuses unsafe values at start-up; logs are JSON lines
with a request id."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 50


def _start(**env):
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "print(settings.DEBUG, settings.TIME_ZONE, settings.SESSION_COOKIE_SECURE, "
                               "settings.SECURE_HSTS_SECONDS, settings.DATABASES['default']['ENGINE'])"],
        cwd=ROOT, env={**base, "DJANGO_SETTINGS_MODULE": "seva.settings"}, capture_output=True, text=True, timeout=60,
    )


# A weak SECRET_KEY is refused by the system check seva.E001 (tests/security/test_deploy_settings.py).
@pytest.mark.parametrize("env,complaint", [
    ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "seva.example.org", "DEBUG": "on"}, "DEBUG"),
    ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
])
def test_production_refuses_unsafe_settings(env, complaint):
    result = _start(ENVIRONMENT="production", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and complaint in result.stderr


def test_production_with_safe_settings_starts_secure():
    result = _start(ENVIRONMENT="production", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="seva.example.org",
                    DATABASE_URL="postgres://u:p@127.0.0.1:5432/seva")
    assert result.returncode == 0, result.stderr
    debug, tz, secure_cookie, hsts, engine = result.stdout.split()
    assert (debug, tz, secure_cookie) == ("False", "Asia/Kolkata", "True")
    assert int(hsts) > 0 and engine.endswith("postgresql")


def test_development_defaults_need_nothing():
    result = _start()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True" and result.stdout.split()[-1].endswith("sqlite3")


def test_json_log_lines_carry_the_request_id(client, capsys):
    from seva.logs import JsonFormatter, RequestIdFilter, request_id_var

    record = logging.LogRecord("seva.test", logging.INFO, __file__, 1, "filed %s", ("UPP-X",), None)
    token = request_id_var.set("abc123")
    try:
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["message"] == "filed UPP-X" and line["request_id"] == "abc123" and line["level"] == "INFO"


@pytest.mark.django_db
def test_request_id_is_echoed_or_made(client):
    assert client.get("/admin/login/", HTTP_X_REQUEST_ID="proxy-42").headers["X-Request-ID"] == "proxy-42"
    made = client.get("/admin/login/", HTTP_X_REQUEST_ID="bad id with spaces\n").headers["X-Request-ID"]
    assert made != "bad id with spaces\n" and len(made) == 32
