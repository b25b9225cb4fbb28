"""Production settings: `manage.py check --deploy` passes with no warning in the production environment;
the system checks refuse a weak SECRET_KEY, the simulated X API and an open /metrics, and gunicorn's
WSGI application refuses to start with them; HTTPS redirect and HSTS; a 12-hour session; every page
carries the Content-Security-Policy; the compose file puts the TLS proxy in front of gunicorn."""

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from seva import checks

ROOT = Path(__file__).resolve().parent.parent.parent
STRONG_KEY = secrets.token_urlsafe(50)
PRODUCTION = {
    "ENVIRONMENT": "production", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "seva.example.org",
    "METRICS_TOKEN": secrets.token_urlsafe(24), "TRUSTED_PROXIES": "172.30.0.10",
    "DATABASE_URL": "postgres://seva:seva@127.0.0.1:5432/seva",
}


def run(args, **env):
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "X_API_BASE_URL",
                                 "METRICS_TOKEN", "TRUSTED_PROXIES", "SILENCED_SYSTEM_CHECKS", "ENVIRONMENT"))}
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**base, **env, "DJANGO_SETTINGS_MODULE": "seva.settings"})


@pytest.fixture(scope="module")
def production_settings():
    names = ["SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
             "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
             "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_AGE", "TRUSTED_PROXIES"]
    result = run(["-c", "import json, django; django.setup(); from django.conf import settings; "
                        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_passes_with_no_warning_in_production():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_is_https_only_with_hsts_secure_cookies_and_a_shift_long_session(production_settings):
    s = production_settings
    assert s["SECURE_SSL_REDIRECT"] and s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and s["SECURE_HSTS_PRELOAD"]
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SESSION_COOKIE_HTTPONLY"]
    assert s["SESSION_COOKIE_AGE"] == 12 * 3600


@pytest.mark.django_db
def test_http_is_redirected_except_the_internal_health_and_metrics(client, settings, production_settings):
    for name in ("SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT", "SECURE_HSTS_SECONDS",
                 "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"):
        setattr(settings, name, production_settings[name])
    settings.SECURE_PROXY_SSL_HEADER = tuple(production_settings["SECURE_PROXY_SSL_HEADER"])
    settings.METRICS_TOKEN = "m" * 24
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/accounts/login/"
    secure = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get("/metrics").status_code == 401  # not redirected, and closed without the token


@pytest.mark.django_db
def test_a_login_lasts_a_working_shift(client, meerut_cell, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    meerut_cell.set_password("pw")
    meerut_cell.save()
    response = client.post("/accounts/login/", {"username": "meerut-cell", "password": "pw"})
    assert response.status_code == 302 and response.cookies["sessionid"]["max-age"] == 12 * 3600


@pytest.mark.parametrize("key, why", [
    ("development-only-secret-key-do-not-use-in-production", "development key"),
    ("django-insecure-" + secrets.token_urlsafe(40), "development key"),
    (secrets.token_urlsafe(30), "shorter than 50"),
    ("ab" * 40, "fewer than 10 different"),
    ("0123456789abcdef" * 4, "shorter piece repeated"),
    ("abcdefghij" + "x" * 45, "more than a quarter"),
])
def test_a_weak_secret_key_is_refused_in_production(settings, key, why):
    settings.PRODUCTION, settings.SECRET_KEY = True, key
    settings.METRICS_TOKEN, settings.X_API_BASE_URL = "m" * 24, ""
    errors = checks.production_secrets(None)
    assert [e.id for e in errors] == ["seva.E001"] and why in errors[0].msg


@pytest.mark.parametrize("key", [secrets.token_urlsafe(50), secrets.token_hex(32)])
def test_random_keys_pass(settings, key):
    settings.PRODUCTION, settings.SECRET_KEY = True, key
    settings.METRICS_TOKEN, settings.X_API_BASE_URL = "m" * 24, ""
    assert checks.production_secrets(None) == []


def test_production_refuses_the_simulated_x_api_and_an_open_metrics(settings):
    settings.PRODUCTION, settings.SECRET_KEY = True, STRONG_KEY
    settings.X_API_BASE_URL, settings.METRICS_TOKEN = "http://127.0.0.1:8001", ""
    assert [e.id for e in checks.production_secrets(None)] == ["seva.E002", "seva.E003"]
    settings.METRICS_TOKEN = "short"
    assert "seva.E003" in [e.id for e in checks.production_secrets(None)]


def test_development_needs_none_of_it(settings):
    settings.PRODUCTION = False
    settings.X_API_BASE_URL, settings.METRICS_TOKEN = "http://127.0.0.1:8001", ""
    assert checks.production_secrets(None) == [] and checks.proxy_in_front(None) == []


def test_trusted_proxies_must_be_addresses_or_blocks(settings):
    settings.TRUSTED_PROXIES = ["172.30.0.10", "10.0.0.0/8", "2001:db8::/32"]
    assert checks.trusted_proxies(None) == []
    settings.TRUSTED_PROXIES = ["proxy.internal"]
    assert [e.id for e in checks.trusted_proxies(None)] == ["seva.E004"]


def test_production_without_a_trusted_proxy_is_warned_about(settings):
    settings.PRODUCTION, settings.TRUSTED_PROXIES = True, []
    assert [w.id for w in checks.proxy_in_front(None)] == ["seva.W001"]


def test_gunicorn_refuses_to_start_with_a_weak_configuration():
    weak = {**PRODUCTION, "SECRET_KEY": "stack-test-" + "x" * 40, "METRICS_TOKEN": ""}
    result = run(["-c", "import seva.wsgi"], **weak)
    assert result.returncode != 0 and "SystemCheckError" in result.stderr
    assert "seva.E001" in result.stderr and "seva.E003" in result.stderr
    silenced = run(["-c", "import seva.wsgi"], **PRODUCTION, X_API_BASE_URL="http://127.0.0.1:8001",
                   SILENCED_SYSTEM_CHECKS="seva.E002")
    assert silenced.returncode == 0, silenced.stderr  # a knowing exception is named, not hidden


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/track/", "/api/v1/track/UPP-00000-00000/", "/api/schema/"])
def test_every_response_carries_the_policy(client, url):
    policy = dict(part.strip().split(" ", 1) for part in client.get(url)["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'"
    for directive in ("script-src", "style-src"):
        assert policy[directive].startswith("'self'") and "unsafe" not in policy[directive]


@pytest.mark.django_db
def test_the_api_docs_get_inline_styles_but_never_inline_scripts(admin_client):
    def policy(url):
        return dict(part.strip().split(" ", 1) for part in admin_client.get(url)["Content-Security-Policy"].split(";"))

    for url in ("/api/docs/", "/api/redoc/"):
        assert policy(url)["style-src"] == "'self' 'unsafe-inline'" and "unsafe" not in policy(url)["script-src"]
    assert policy("/api/redoc/")["worker-src"] == "'self' blob:"
    assert "unsafe" not in policy("/admin/")["style-src"]  # the admin needs no exception


@pytest.mark.django_db
def test_dashboard_pages_have_no_inline_script_or_style(client, hq):
    client.force_login(hq)
    response = client.get("/inbox/")
    html = response.content.decode()
    assert "<style" not in html and "<script>" not in html and " style=" not in html


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_only_the_tls_proxy_is_published_and_django_trusts_only_it():
    compose = _compose()
    services = compose["services"]
    assert "ports" not in services["web"]
    proxy = services["proxy"]
    assert proxy["image"].startswith("caddy:") and {"80:80", "443:443"} <= set(proxy["ports"])
    mount = next(v for v in proxy["volumes"] if v.endswith(":/etc/caddy/Caddyfile:ro"))
    caddyfile = (ROOT / mount.split(":")[0]).read_text(encoding="utf-8")
    assert "reverse_proxy web:8000" in caddyfile
    address = proxy["networks"]["default"]["ipv4_address"]
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["TRUSTED_PROXIES"] == address
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    for name in ("SITE_ADDRESS", "METRICS_TOKEN"):
        assert f"\n{name}=" in (ROOT / ".env.example").read_text(encoding="utf-8")


def test_the_compose_tool_accepts_the_stack_with_its_proxy(tmp_path):
    if not shutil.which("docker-compose"):
        pytest.skip("no docker-compose here (.ci/run installs Debian's)")
    for name in ("docker-compose.yml", "Dockerfile"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(["docker-compose", "-f", "docker-compose.yml", "config"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "8000:8000" not in result.stdout and "published: 8000" not in result.stdout


def test_drf_throttles_key_on_the_same_client_address(settings, rf):
    """DRF's own get_ident believes any X-Forwarded-For when NUM_PROXIES is unset; ours, only the
    trusted proxy's, like the lockout and the tracking page."""
    from complaints.api.throttling import UserThrottle

    settings.TRUSTED_PROXIES = ["172.30.0.10"]
    forged = rf.get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    proxied = rf.get("/", REMOTE_ADDR="172.30.0.10", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert UserThrottle().get_ident(forged) == "198.51.100.1"
    assert UserThrottle().get_ident(proxied) == "203.0.113.9"
