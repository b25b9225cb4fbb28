"""Who is asking, and how often: the client address behind an optional trusted reverse proxy, and the
DRF throttles that count by it.

The address comes from settings.TRUSTED_PROXY_HEADER (for example "HTTP_X_FORWARDED_FOR") only when that
setting is on; otherwise from REMOTE_ADDR, because any client can send an X-Forwarded-For of its choosing.
With TRUSTED_PROXY_COUNT proxies in front of us, each appends the address it saw, so the client is the
COUNT-th entry from the right; entries further left were written by the client and are not believed.
Rates are read from settings on every call, so tests and benchmarks can change them.
"""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle


def _valid_ip(value):
    value = (value or "").strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request) -> str:
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "") or "unknown"
    header = getattr(settings, "TRUSTED_PROXY_HEADER", "")
    if not header:
        return remote
    parts = [p.strip() for p in meta.get(header, "").split(",") if p.strip()]
    if not parts:
        return remote
    count = max(1, int(getattr(settings, "TRUSTED_PROXY_COUNT", 1)))
    chosen = parts[-count] if len(parts) >= count else parts[0]
    return _valid_ip(chosen) or remote


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self):
        rates = getattr(settings, "REST_FRAMEWORK", {}).get("DEFAULT_THROTTLE_RATES", {})
        return rates.get(self.scope)

    def __init__(self):
        # The parent reads the rate once at construction; so do we, but from the live settings.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        return super().allow_request(request, view)


class AnonThrottle(_SettingsRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class UserThrottle(_SettingsRateThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            ident = client_address(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class WindowCounterThrottle(BaseThrottle):
    """N requests per window per client address, the window starting at the client's first request.

    A counter (cache.add then cache.incr, atomic on Redis) costs the same whatever the limit, unlike
    DRF's timestamp history, which is re-written on every request and grows with the limit."""

    scope = "window"
    setting = ""
    default_rate = None

    def get_rate(self):
        return getattr(settings, self.setting, self.default_rate) or None

    def allow_request(self, request, view):
        rate = self.get_rate()
        if not rate:
            return True
        limit, duration = SimpleRateThrottle.parse_rate(None, rate)
        key = f"throttle:{self.scope}:{client_address(request)}"
        self.duration, self.started_key = duration, key + ":start"
        try:
            return cache.incr(key) <= limit  # the usual case: a window is open
        except ValueError:  # no window yet (or it just expired): open one
            if cache.add(key, 1, duration):
                cache.set(self.started_key, time.time(), duration)
                return True
            return cache.incr(key) <= limit  # another request opened it meanwhile

    def wait(self):
        started = cache.get(getattr(self, "started_key", ""), None)
        if started is None:
            return None
        return max(1.0, self.duration - (time.time() - started))


class TrackThrottle(WindowCounterThrottle):
    """Public code lookups, per client address: the same rule for the page and the API."""

    scope = "track"
    setting = "TRACK_THROTTLE"
    default_rate = "30/min"


class Open311Throttle(WindowCounterThrottle):
    scope = "open311"
    setting = "OPEN311_THROTTLE"
    default_rate = "60/min"
