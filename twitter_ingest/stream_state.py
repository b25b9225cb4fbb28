"""The stream's state as the stream process records it (StreamState) and as the health page, /metrics and
the beat read it.

The process writes at connect, at disconnect (with the error and the wait before the next attempt) and,
while connected, at most every STREAM_STATE_SECONDS for the lines it reads (events and keep-alives), so a
busy stream costs one small UPDATE every few seconds and not one per event. A process killed outright
cannot say so: its row keeps "connected" and stops being refreshed, so a connection counts only while the
row was refreshed within X_STREAM_FALLBACK_SECONDS."""

import time
from datetime import datetime, timedelta, timezone as dt_timezone

import requests
import tweepy
from django.conf import settings
from django.utils import timezone

from .stream_models import StreamState

STREAM_STATE_SECONDS = 5.0
KEEP_RECONNECTS = 1000  # more than a day of the slowest backoff; the page says "at least" beyond it


def _at(epoch):
    return datetime.fromtimestamp(epoch, tz=dt_timezone.utc)


def error_code(exc):
    """A short code for why a connection ended or failed; the health page words it."""
    status = getattr(exc, "status", None)
    if status is None and isinstance(exc, tweepy.HTTPException):
        status = getattr(exc.response, "status_code", None)
    if status is not None:
        if status == 0:
            return "disconnected_by_x"
        return {401: "unauthorized", 403: "forbidden", 429: "too_many_connections"}.get(
            status, "x_unavailable" if status >= 500 else "refused")
    if isinstance(exc, requests.ReadTimeout) or "Read timed out" in str(exc):
        return "silent"
    return "network"


class Recorder:
    """Keeps the account's StreamState row up to date from inside stream.run()."""

    def __init__(self, account_id, clock=time.time):
        self.account_id, self.clock = account_id, clock
        self.written, self.event_at, self.attempts = 0.0, None, 0
        StreamState.objects.get_or_create(account_id=account_id)

    def _update(self, **fields):
        StreamState.objects.filter(account_id=self.account_id).update(updated_at=timezone.now(), **fields)

    def attempt(self):
        """A connection attempt; every one after the process's first is a reconnect."""
        self.attempts += 1
        if self.attempts == 1:
            return
        now = self.clock()
        row = StreamState.objects.get(account_id=self.account_id)
        recent = [t for t in row.recent_reconnects if t > now - 86400][-(KEEP_RECONNECTS - 1):] + [now]
        self._update(reconnects_total=row.reconnects_total + 1, recent_reconnects=recent)

    def connected(self):
        now = _at(self.clock())
        self.written = self.clock()
        self._update(connected_since=now, last_seen_at=now, backoff_seconds=None, next_attempt_at=None)

    def line(self, event):
        """A line read (an event when `event`); written when the last write is STREAM_STATE_SECONDS old."""
        now = self.clock()
        if event:
            self.event_at = now
        if now - self.written >= STREAM_STATE_SECONDS:
            self.flush()

    def flush(self):
        now = self.clock()
        fields = {"last_seen_at": _at(now)}
        if self.event_at is not None:
            fields["last_event_at"] = _at(self.event_at)
            self.event_at = None
        self.written = now
        self._update(**fields)

    def disconnected(self, exc=None, delay=0.0):
        """The connection ended (or was never made): why, and how long until the next attempt."""
        if self.event_at is not None:
            self.flush()
        now = self.clock()
        fields = {"connected_since": None, "backoff_seconds": delay or None,
                  "next_attempt_at": _at(now + delay) if delay else None}
        if exc is not None:
            fields.update(last_error_code=error_code(exc), last_error=str(exc)[:500] or type(exc).__name__,
                          last_error_at=_at(now))
        self._update(**fields)


def seen_at(account_id):
    """Epoch seconds the stream process last heard from X for this account, or None."""
    row = StreamState.objects.filter(account_id=account_id).values_list("last_seen_at", flat=True).first()
    return row.timestamp() if row else None


def read(account, now=None):
    """The account's stream state as a plain dict for the health page and /metrics."""
    now = now or timezone.now()
    row = StreamState.objects.filter(account=account).first() or StreamState(account=account)
    fresh = bool(row.last_seen_at and (now - row.last_seen_at).total_seconds() < settings.X_STREAM_FALLBACK_SECONDS)
    day_ago = now.timestamp() - 86400
    recent = [t for t in row.recent_reconnects if t > day_ago]
    waiting = row.next_attempt_at if row.next_attempt_at and row.next_attempt_at > now else None
    return {
        "account_id": account.pk,
        "handle": account.handle,
        "recorded": not row._state.adding,
        "connected": bool(row.connected_since) and fresh,
        # Connected by its own last word, but not heard from since: the process died without saying so.
        "process_silent": bool(row.connected_since) and not fresh,
        "connected_since": row.connected_since,
        "last_seen_at": row.last_seen_at,
        "last_event_at": row.last_event_at,
        "reconnects_24h": len(recent),
        "reconnects_24h_capped": len(row.recent_reconnects) >= KEEP_RECONNECTS and len(recent) == len(
            row.recent_reconnects),
        "reconnects_total": row.reconnects_total,
        "backoff_seconds": row.backoff_seconds if waiting else None,
        "next_attempt_at": waiting,
        "error_code": row.last_error_code,
        "last_error": row.last_error,
        "last_error_at": row.last_error_at,
    }
