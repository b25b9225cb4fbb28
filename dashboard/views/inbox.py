"""HQ's inbox: new complaints, urgent first and then newest first, refreshed by polling a partial, triage per
row and in bulk; a tab of requests to look at resolved complaints again; the alarm for urgent ones."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from complaints import lifecycle
from complaints.models import Category, Priority, Status

from .. import duplicates, paging, reopen_requests, roles, unit_names, urgent
from ..forms import RejectForm
from .common import redirect_next, staff_required, visible

PAGE = 50


TABS = ("new", "again")
URGENT_MAX = 20  # urgent new mentions listed above the rest, soonest deadline first


def _rows(request):
    """New mentions: the URGENT_MAX urgent ones whose deadline is nearest first, then the rest (any further
    urgent ones among them, marked) newest first, paged. Every page leaves out the rows of the urgent block
    as it stands, so paging stays consistent. The block is capped because each row carries its forms: a
    desk flooded with urgent mentions keeps a light page and a light 15-second refresh."""
    new = visible(request).filter(status=Status.NEW).select_related("suggested_unit", "category")
    block = list(new.filter(priority=Priority.URGENT).order_by("sla_due_at", "received_at", "id")[:URGENT_MAX])
    before = request.GET.get("before", "")
    rows, after = paging.page(new.exclude(pk__in=[c.pk for c in block]), before, PAGE)
    return (rows if before else block + rows), after


def _choices():
    units = unit_names.choices()
    categories = list(Category.objects.filter(is_active=True).values_list("slug", "name_en", "name_hi"))
    return {"units": units, "categories": categories, "priorities": Priority.choices}


def _refilings(seen):
    """Tweets filed again by someone who could not see the first complaint, listed only for those who see
    both (HQ supervisors) to merge or keep."""
    return list(seen.filter(same_tweet_as__isnull=False, same_tweet_as__in=seen)
                .exclude(status__in=[Status.DUPLICATE, Status.REJECTED])
                .select_related("same_tweet_as").order_by("-received_at", "-id")[:PAGE])


@staff_required(roles.is_hq)
def inbox(request):
    """Two tabs: new mentions (urgent first), and requests to look again at resolved or closed complaints
    (a reply on X, or "not satisfied" on the tracking page, each marked with where it came from)."""
    seen = visible(request)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "new"
    context = {"tab": tab, "again_count": reopen_requests.count(seen), "alarm": urgent.banner(seen, request=request)}
    if tab == "again":
        context["reopen_requests"] = reopen_requests.newest(seen, PAGE)
    else:
        rows, after = _rows(request)
        context.update(rows=rows, after=after, refilings=_refilings(seen), **_choices(),
                       incidents=duplicates.mark_rows(request.user, rows))
    return render(request, "dashboard/inbox.html", context)


@staff_required(roles.is_hq)
def inbox_rows(request):
    """The rows alone, for the page's 15-second refresh."""
    rows, after = _rows(request)
    duplicates.mark_rows(request.user, rows)
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
    if op == "forward" and unit:
        found, close = unit_names.resolve(unit)
        if found is None:
            messages.error(request, _("“%(typed)s” is not one unit's name.") % {"typed": unit} + (
                " " + _("Did you mean: %(close)s?") % {"close": "; ".join(unit_names.label(u) for u in close)}
                if close else ""))
            return redirect_next(request, reverse("dashboard:inbox"))
        unit = found
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
        messages.success(request, ngettext("%(n)s complaint done: %(codes)s", "%(n)s complaints done: %(codes)s",
                                           len(done)) % {"n": len(done), "codes": ", ".join(done)})
    for line in failed:
        messages.error(request, line)
    return redirect_next(request, reverse("dashboard:inbox"))
