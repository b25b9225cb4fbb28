"""HQ's inbox: new complaints newest first, refreshed by polling a partial, triage per row and in bulk."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import feedback, lifecycle
from complaints.models import Category, Event, Priority, Status
from districts.models import Unit

from .. import paging, roles
from ..forms import RejectForm
from .common import redirect_next, staff_required, visible

PAGE = 50


def _rows(request):
    qs = visible(request).filter(status=Status.NEW).select_related("suggested_unit", "category")
    return paging.page(qs, request.GET.get("before", ""), PAGE)


def _choices():
    units = list(Unit.objects.routable().order_by("name_en").values_list("slug", "name_en", "name_hi"))
    categories = list(Category.objects.filter(is_active=True).values_list("slug", "name_en", "name_hi"))
    return {"units": units, "categories": categories, "priorities": Priority.choices}


def _waiting_for_hq(request):
    """What else waits for HQ besides new mentions: requests to look again at resolved or closed
    complaints (each marked with where it came from), and tweets filed again by someone who could not
    see the first complaint, listed only for those who see both (HQ supervisors) to merge or keep."""
    seen = visible(request)
    # The newest requests first, then only those on complaints this login may see: bounded whatever the
    # size of the desk, where "complaint in the visible ones" could make the database read them all.
    newest = list(Event.objects.filter(action="reopen_requested", created_at__gte=F("complaint__resolved_at"),
                                       complaint__status__in=[Status.RESOLVED, Status.CLOSED])
                  .select_related("complaint").order_by("-created_at", "-id")[:PAGE * 2])
    shown = set(seen.filter(pk__in={e.complaint_id for e in newest}).values_list("pk", flat=True))
    requests = [(e, feedback.from_tracking_page(e)) for e in newest if e.complaint_id in shown][:PAGE]
    refilings = (seen.filter(same_tweet_as__isnull=False, same_tweet_as__in=seen)
                 .exclude(status__in=[Status.DUPLICATE, Status.REJECTED])
                 .select_related("same_tweet_as").order_by("-received_at", "-id")[:PAGE])
    return {"reopen_requests": requests, "refilings": list(refilings)}


@staff_required(roles.is_hq)
def inbox(request):
    rows, after = _rows(request)
    return render(request, "dashboard/inbox.html",
                  {"rows": rows, "after": after, **_choices(), **_waiting_for_hq(request)})


@staff_required(roles.is_hq)
def inbox_rows(request):
    """The rows alone, for the page's 15-second refresh."""
    rows, after = _rows(request)
    return render(request, "dashboard/_inbox_rows.html", {"rows": rows, "after": after, **_choices()})


@require_POST
@staff_required(roles.is_hq)
def bulk(request):
    """Forward the ticked complaints (to the unit given, or each to its suggested unit) or reject them."""
    op = request.POST.get("op")
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    if op not in ("forward", "reject") or not ids:
        messages.error(request, _("Tick at least one complaint and choose Forward or Reject."))
        return redirect_next(request, reverse("dashboard:inbox"))
    unit = (request.POST.get("unit") or "").strip()
    reason = (request.POST.get("reason") or "").strip()
    if op == "reject" and not RejectForm({"reason": reason, "version": 1}).is_valid():
        messages.error(request, _("Give a reason (at most 280 characters) to reject."))
        return redirect_next(request, reverse("dashboard:inbox"))
    done, failed = [], []
    for complaint in visible(request).filter(pk__in=ids).select_related("suggested_unit"):
        version = request.POST.get(f"v{complaint.pk}")
        version = int(version) if version and version.isdigit() else None
        try:
            with transaction.atomic():
                if op == "forward":
                    target = unit or (complaint.suggested_unit.slug if complaint.suggested_unit_id else "")
                    if not target:
                        raise lifecycle.InvalidValue("unit", _("no unit given and no suggestion"))
                    lifecycle.forward(complaint, target, actor=request.user, expected_version=version)
                else:
                    lifecycle.reject(complaint, reason, actor=request.user, expected_version=version)
            done.append(complaint.tracking_code)
        except (lifecycle.LifecycleError, PermissionDenied) as exc:
            failed.append(f"{complaint.tracking_code}: {exc}")
    if done:
        messages.success(request, _("%(n)s complaint(s) done: %(codes)s") % {"n": len(done), "codes": ", ".join(done)})
    for line in failed:
        messages.error(request, line)
    return redirect_next(request, reverse("dashboard:inbox"))
