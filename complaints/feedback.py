"""The citizen's answer on the tracking page after resolution: satisfied, or not satisfied (a request to
look at the complaint again).

Whoever holds a code can answer, and codes travel in public replies on X, so an answer is a message for
staff, never a change of state: it is recorded as an event marked as coming from the tracking page
(`FROM_TRACKING_PAGE`), staff see it as such on the complaint, in the unit's queue and in HQ's inbox, and
a person decides whether to close or reopen. It is limited to one recorded answer per complaint per IST
day, and answers sent are counted per code and per client address (TRACK_FEEDBACK_PER_CODE,
TRACK_FEEDBACK_PER_ADDRESS), so that nobody can flood a complaint or sweep many codes from one address.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from . import lifecycle, tally
from .api.throttling import client_address
from .models import Complaint, Event
from .textclean import clean_text

ANSWERS = {"satisfied": "citizen_satisfied", "not_satisfied": "reopen_requested"}
ACTIONS = tuple(ANSWERS.values())
CITIZEN = lifecycle.Actor(name="citizen (tracking page)")
FROM_TRACKING_PAGE = {"channel": "tracking page"}
COMMENT_MAX = 500


def from_tracking_page(event):
    return isinstance(event.data, dict) and event.data.get("channel") == FROM_TRACKING_PAGE["channel"]


def _spend(key, rate):
    """Count one answer against `rate` ("N/period") under `key`. Returns None while within the rate,
    else the seconds until the window that opened with the first answer ends."""
    if not rate:
        return None
    limit, duration = SimpleRateThrottle.parse_rate(None, rate)
    try:
        count = cache.incr(key)
    except ValueError:  # no window open (or it just ended): open one
        if cache.add(key, 1, duration):
            cache.set(f"{key}:start", time.time(), duration)
            return None
        count = cache.incr(key)
    if count <= limit:
        return None
    started = cache.get(f"{key}:start") or time.time()
    return max(1, math.ceil(duration - (time.time() - started)))


def over_limit(request, code):
    """Spend one answer of this address and of this code; the wait in seconds if either is used up."""
    address = _spend(f"feedback:address:{client_address(request)}",
                     getattr(settings, "TRACK_FEEDBACK_PER_ADDRESS", "10/hour"))
    if address:
        return address
    return _spend(f"feedback:code:{code}", getattr(settings, "TRACK_FEEDBACK_PER_CODE", "5/day"))


def record_answer(complaint, answer, comment=""):
    """Record the answer unless the complaint already has one today; True when it had one."""
    note = clean_text(comment or "")[0].strip()[:COMMENT_MAX]
    today_start = tally.day_bounds(timezone.localdate())[0]
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if Event.objects.filter(complaint=locked, action__in=ACTIONS, created_at__gte=today_start).exists():
            return True
        lifecycle.record(locked, ANSWERS[answer], actor=CITIZEN, note=note, data=dict(FROM_TRACKING_PAGE))
    return False
