"""Counters that live outside the database (public lookups), kept in the cache so every web worker adds
to the same number (Redis in production; per process on the embedded default)."""

from django.core.cache import cache

LOOKUPS_KEY = "seva:metrics:lookups"


def count_lookup(outcome):
    key = f"{LOOKUPS_KEY}:{outcome}"
    try:
        cache.incr(key)
    except ValueError:
        cache.add(key, 0, timeout=None)
        cache.incr(key)


def lookups():
    outcomes = ("found", "not_found", "typo", "malformed", "throttled")
    values = cache.get_many([f"{LOOKUPS_KEY}:{o}" for o in outcomes])
    return {o: int(values.get(f"{LOOKUPS_KEY}:{o}", 0)) for o in outcomes}
