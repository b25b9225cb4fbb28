"""Login lockout (django-axes): per account and per client address, with separate limits.

A password guessed at one account is stopped after LOGIN_FAILURES_PER_ACCOUNT failures; one address
trying many accounts after LOGIN_FAILURES_PER_ADDRESS. The address limit is higher because a district
office or HQ's desk PCs reach us through one NAT address, and one PRO's typos must not lock out the
whole cell. Failures count for AXES_COOLOFF_TIME after the latest one; HQ supervisors see what is locked
and can clear it (dashboard, recorded as a SecurityEvent)."""

from dataclasses import dataclass
from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from .models import SecurityAction, SecurityEvent


def per_account():
    return settings.AXES_FAILURE_LIMIT


def per_address():
    return getattr(settings, "LOGIN_FAILURES_PER_ADDRESS", per_account())


def _recent(now=None):
    return AccessAttempt.objects.filter(attempt_time__gte=(now or timezone.now()) - get_cool_off())


def _failures(attempts):
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        # Axes compares one number with AXES_FAILURE_LIMIT (the per-account limit), so the address's
        # count is scaled onto that limit: it reaches it exactly when the address reaches its own.
        recent = _recent(getattr(request, "axes_attempt_time", None))
        username = get_client_username(request, credentials)
        by_account = _failures(recent.filter(username=username)) if username else 0
        address = getattr(request, "axes_ip_address", None)
        by_address = _failures(recent.filter(ip_address=address)) if address else 0
        return max(by_account, by_address * per_account() // per_address())

    def reset_user_attempts(self, request, credentials=None):
        # A successful login clears that account's failures only: logging in to one's own account must
        # not wipe the address's count of guesses at other accounts.
        username = get_client_username(request, credentials)
        return AccessAttempt.objects.filter(username=username).delete()[0] if username else 0


@dataclass
class Locked:
    key: str  # the username or the address
    failures: int
    last_failure: datetime
    until: datetime


def _grouped(field, limit, now):
    rows = (_recent(now).exclude(**{f"{field}__isnull": True}).values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit).order_by("-last"))
    return [Locked(r[field], r["failures"], r["last"], r["last"] + get_cool_off()) for r in rows]


def locked_accounts(now=None):
    return _grouped("username", per_account(), now or timezone.now())


def locked_addresses(now=None):
    return _grouped("ip_address", per_address(), now or timezone.now())


def recent_failures(limit=50):
    return _recent().order_by("-attempt_time")[:limit]


@transaction.atomic
def unlock(*, by, username=None, address=None):
    """Clear the failures of an account or of an address; recorded. Returns how many rows were cleared."""
    if bool(username) == bool(address):
        raise ValueError("Unlock either an account or an address.")
    field, value = ("username", username) if username else ("ip_address", address)
    cleared = AccessAttempt.objects.filter(**{field: value}).delete()[0]
    SecurityEvent.record(SecurityAction.LOCKOUT_CLEARED, by, value, kind="account" if username else "address",
           attempts_cleared=cleared)
    return cleared
