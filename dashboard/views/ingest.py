"""HQ's views of the ingest side: its health (polls, lag, rate limits, outbox backlog), the districts'
good-work posts, and the mentions the desk did not file. All read through dashboard.ingest_bridge and say
so when the ingest side lacks them."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from complaints import lifecycle

from .. import ingest_bridge, ingest_words, roles
from .common import complaint_url, staff_required


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
    if summary is None:
        return render(request, "dashboard/health.html", {"available": False})
    # The engineers' rows keep every figure; each account's recent runs are in them, not on the page itself.
    return render(request, "dashboard/health.html", {
        "available": True, "accounts": ingest_words.account_rows(summary),
        "outbox": ingest_words.outbox_line(summary), "rows": _flatten(summary),
        "stream": ingest_words.stream_line(summary),
        "rejected": ingest_bridge.rejected_inputs() or [],
    })


@staff_required(roles.is_hq)
def good_work(request):
    posts = ingest_bridge.good_work_posts()
    return render(request, "dashboard/good_work.html", {"available": posts is not None, "posts": posts or []})


NOT_FILED_TABS = ("appreciation", "greeting", "not_complaint")


@staff_required(roles.is_hq)
def not_filed(request):
    """Mentions the desk did not file (thanks, greetings, no complaint) and "Noted" replies from accounts not
    on file: HQ files one by hand, confirms an account or dismisses it."""
    review = ingest_bridge.module("review")
    if review is None:
        return render(request, "dashboard/not_filed.html", {"available": False})
    if request.method == "POST":
        return _review_action(request, review)
    kind = request.GET.get("kind") if request.GET.get("kind") in NOT_FILED_TABS else None
    return render(request, "dashboard/not_filed.html", {
        "available": True, "kind": kind, "tabs": NOT_FILED_TABS, "rows": review.not_filed(kind),
        "candidates": review.candidates(), "per_unit": review.thanks_per_unit(),
    })


def _review_action(request, review):
    action, pk = request.POST.get("action"), request.POST.get("pk", "")
    steps = {"file": review.file_as_complaint, "confirm": review.confirm_account, "dismiss": review.dismiss_account}
    if action not in steps or not pk.isdigit():
        messages.error(request, _("Choose a row and an action."))
        return redirect("dashboard:not_filed")
    try:
        result = steps[action](int(pk), request.user)
    except ObjectDoesNotExist:
        messages.error(request, _("That row no longer exists."))
    except (review.ReviewError, lifecycle.LifecycleError) as exc:
        messages.error(request, _("Not done: %(why)s") % {"why": exc})
    else:
        if action == "file":
            messages.success(request, _("Filed as %(code)s; the reply with its code is queued.") % {
                "code": result.tracking_code})
            return redirect(complaint_url(result))
        if action == "confirm":
            messages.success(request, _("@%(handle)s is registered for %(unit)s and its Noted recorded.") % {
                "handle": result.handle, "unit": result.unit})
        else:
            messages.success(request, _("Dismissed."))
    return redirect("dashboard:not_filed")
