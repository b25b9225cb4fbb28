"""How often: the DRF throttles, counted per login or per client address.

The client address is districts.client_address's (REMOTE_ADDR, or the X-Forwarded-For hop just left of the
proxies listed in settings.TRUSTED_PROXIES); `client_address` here is that same function, kept under
this name for the throttles and pages that import it from here. Rates are read from settings on every
call, so tests and benchmarks can change them.
"""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from districts.client_address import client_address


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

    def get_ident(self, request):
        # DRF's own get_ident trusts NUM_PROXIES hops whoever sent them; ours trusts only TRUSTED_PROXIES.
        return client_address(request)


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
