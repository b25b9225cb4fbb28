"""Personal API tokens: made by their owner, kept only as a digest, revoked rather than deleted.

A key looks like `3f9a1c2b.<43 random characters>`: the part before the dot is the prefix that finds
the row (not secret); the whole key is hashed with SHA-256 and compared in constant time. Keys of the
earlier Django REST framework tokens (40 hexadecimal characters, no dot) were carried over by migration
0003 with their first 8 characters as the prefix, so existing clients keep working until revoked."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import ApiToken, SecurityAction, SecurityEvent

PREFIX_LENGTH = 8
# last_used_at is written at most this often per token, so that a busy client costs no write per request.
TOUCH_EVERY = timedelta(minutes=1)


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def prefix_of(key):
    return key.split(".", 1)[0] if "." in key else key[:PREFIX_LENGTH]


@transaction.atomic
def issue(user, name):
    """A new token for `user`; returns (token, key). The key is not stored and cannot be shown again."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, name=name.strip(), prefix=prefix, digest=digest(key))
    SecurityEvent.record(SecurityAction.TOKEN_CREATED, user, user.get_username(), token=token.audit_label())
    return token, key


def find(key):
    """The active token with this key (its owner loaded), or None."""
    if not key or len(key) > 200:
        return None
    wanted = digest(key)
    candidates = ApiToken.objects.select_related("user").filter(prefix=prefix_of(key), revoked_at=None)
    return next((t for t in candidates if hmac.compare_digest(t.digest, wanted)), None)


def touch(token, now=None):
    """Note that the token was used, unless that was noted less than TOUCH_EVERY ago (by any process)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return False
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
    if ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now):
        token.last_used_at = now
        return True
    return False


def may_revoke(user, token):
    return user.is_active and (token.user_id == user.pk or user.is_superuser)


@transaction.atomic
def revoke(token, by):
    """Revoke the token (its owner, or a superuser); False when it was already revoked."""
    if not may_revoke(by, token):
        raise PermissionDenied("Only the token's owner or a superuser may revoke it.")
    now = timezone.now()
    if not ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=now, revoked_by=by):
        return False
    token.revoked_at, token.revoked_by = now, by
    SecurityEvent.record(SecurityAction.TOKEN_REVOKED, by, token.user.get_username(), token=token.audit_label())
    return True
