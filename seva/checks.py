"""System checks that refuse an unsafe production start (`manage.py check --deploy`, `migrate` and the
WSGI application run them). The ids are stable; a deployment that must, knowingly, do without one lists
it in SILENCED_SYSTEM_CHECKS.

    seva.E001  production SECRET_KEY is weak (development key, short, few characters, repeated)
    seva.E002  production points tweepy at another host (X_API_BASE_URL)
    seva.E003  production /metrics has no METRICS_TOKEN (or a short one)
    seva.E004  a TRUSTED_PROXIES entry is not an address or CIDR block
    seva.W001  production trusts no proxy (deploy check): every citizen would share the proxy's address
"""

from collections import Counter

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from districts.client_address import trusted_networks

SECRET_KEY_MIN_LENGTH = 50  # as Django's own security.W009
SECRET_KEY_MIN_DISTINCT = 10
METRICS_TOKEN_MIN_LENGTH = 16


def secret_key_weaknesses(key, development_key=""):
    """What is wrong with a SECRET_KEY, as short phrases; empty when nothing is."""
    key = key or ""
    found = []
    if key == development_key or key.startswith("django-insecure-"):
        found.append("it is the development key")
    if len(key) < SECRET_KEY_MIN_LENGTH:
        found.append(f"it is shorter than {SECRET_KEY_MIN_LENGTH} characters")
    if len(set(key)) < SECRET_KEY_MIN_DISTINCT:
        found.append(f"it has fewer than {SECRET_KEY_MIN_DISTINCT} different characters")
    elif key and Counter(key).most_common(1)[0][1] * 4 > len(key):
        found.append("one character makes up more than a quarter of it")
    if any(key[period:] == key[:-period] for period in range(1, len(key) // 2 + 1)):
        found.append("it is a shorter piece repeated")
    return found


@register(Tags.security)
def production_secrets(app_configs, **kwargs):
    if not settings.PRODUCTION:
        return []
    errors = []
    weak = secret_key_weaknesses(settings.SECRET_KEY, settings.DEVELOPMENT_SECRET_KEY)
    if weak:
        errors.append(Error(
            f"SECRET_KEY is weak: {'; '.join(weak)}.",
            hint='Make one with: python -c "import secrets; print(secrets.token_urlsafe(50))"',
            id="seva.E001",
        ))
    if settings.X_API_BASE_URL:
        errors.append(Error(
            "X_API_BASE_URL is set: production would send X credentials and citizens' replies to "
            f"{settings.X_API_BASE_URL} instead of X.",
            hint="Unset X_API_BASE_URL (it is for the simulated X API in tests, the demo and training).",
            id="seva.E002",
        ))
    if len(settings.METRICS_TOKEN) < METRICS_TOKEN_MIN_LENGTH:
        errors.append(Error(
            f"METRICS_TOKEN is {'short' if settings.METRICS_TOKEN else 'not set'}: /metrics would be open to "
            "anyone who can reach it.",
            hint=f"Set METRICS_TOKEN to a random string of {METRICS_TOKEN_MIN_LENGTH}+ characters and give "
                 "it to Prometheus as its bearer token.",
            id="seva.E003",
        ))
    return errors


@register(Tags.security)
def trusted_proxies(app_configs, **kwargs):
    try:
        trusted_networks(tuple(settings.TRUSTED_PROXIES))
    except ValueError as exc:
        return [Error(f"TRUSTED_PROXIES: {exc}.", hint="List addresses or CIDR blocks, e.g. 172.30.0.10,10.0.0.0/8.",
                      id="seva.E004")]
    return []


@register(Tags.security, deploy=True)
def proxy_in_front(app_configs, **kwargs):
    if settings.PRODUCTION and not settings.TRUSTED_PROXIES:
        return [Warning(
            "TRUSTED_PROXIES is empty: behind the TLS proxy every client would have the proxy's address, "
            "so one citizen's look-ups or one failed login would throttle or lock out everyone.",
            hint="List the proxy's address (docker-compose.yml gives it 172.30.0.10).",
            id="seva.W001",
        )]
    return []
