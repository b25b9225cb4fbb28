"""The bell: a login's notifications (escalations, morning digests), newest first; opening one marks it
read and leads to its complaint or queue. Only the login's own items about complaints it may still see."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import notify, notify_text
from .common import redirect_next, staff_required

PAGE_SIZE = 50


@staff_required()
def notification_list(request):
    page = Paginator(notify.for_user(request.user).select_related("complaint"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    items = [(n, *notify_text.describe(n), notify_text.link(n)) for n in page]
    return render(request, "dashboard/notifications.html", {"page": page, "items": items})


@staff_required()
def notification_open(request, pk):
    item = notify.for_user(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    notify.mark_read(request.user, [item.pk])
    return redirect(notify_text.link(item))


@require_POST
@staff_required()
def notification_read(request):
    """Mark read: the ids posted, or every unread item with all=1. Ids not the login's change nothing."""
    if request.POST.get("all") == "1":
        notify.mark_read(request.user)
    else:
        ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
        notify.mark_read(request.user, ids)
    return redirect_next(request, "dashboard:notifications")
