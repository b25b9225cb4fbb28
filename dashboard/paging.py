"""Keyset pagination on (received_at, id), newest first: constant cost on any page of a million rows."""

from datetime import datetime

from django.db.models import Q


def token(complaint):
    return f"{complaint.received_at.isoformat()}_{complaint.pk}"


def page(qs, before, size):
    """The next `size` rows older than the `before` token, and the token for the page after (or "")."""
    if before:
        try:
            stamp, pk = before.rsplit("_", 1)
            stamp, pk = datetime.fromisoformat(stamp), int(pk)
        except (ValueError, TypeError):
            stamp = pk = None
        if stamp is not None:
            qs = qs.filter(Q(received_at__lt=stamp) | Q(received_at=stamp, id__lt=pk))
    rows = list(qs.order_by("-received_at", "-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (token(rows[-1]) if more and rows else "")
