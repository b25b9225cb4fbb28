"""HQ's views of the ingest side: its health (polls, lag, rate limits, outbox backlog) and the districts'
good-work posts. Both read through dashboard.ingest_bridge and say so when the ingest side lacks them."""

from django.shortcuts import render

from .. import ingest_bridge, roles
from .common import staff_required


def _flatten(value, prefix=""):
    """A nested summary as (key, value) rows, so any shape of summary can be shown."""
    if isinstance(value, dict):
        rows = []
        for key, inner in value.items():
            rows.extend(_flatten(inner, f"{prefix}{key} · " if isinstance(inner, (dict, list)) else f"{prefix}{key}"))
        return rows
    if isinstance(value, list):
        rows = []
        for i, inner in enumerate(value):
            rows.extend(_flatten(inner, f"{prefix}{i + 1} · "))
        return rows
    return [(prefix.rstrip(" ·"), value)]


@staff_required(roles.is_hq)
def health(request):
    summary = ingest_bridge.health_summary()
    return render(request, "dashboard/health.html", {
        "available": summary is not None, "rows": _flatten(summary) if summary is not None else [],
    })


@staff_required(roles.is_hq)
def good_work(request):
    posts = ingest_bridge.good_work_posts()
    return render(request, "dashboard/good_work.html", {"available": posts is not None, "posts": posts or []})
