"""Canned replies per category and state, in Hindi and English: every staff member reads, HQ edits."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import roles
from ..forms import CannedReplyForm
from ..models import CannedReply
from .common import staff_required


@staff_required()
def replies(request):
    rows = CannedReply.objects.select_related("category")
    if not roles.is_hq(request.user):
        rows = rows.filter(is_active=True)
    return render(request, "dashboard/replies.html", {"rows": rows, "can_edit": roles.is_hq(request.user)})


@staff_required(roles.is_hq)
def edit(request, pk=None):
    reply = get_object_or_404(CannedReply, pk=pk) if pk else None
    form = CannedReplyForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Canned reply saved."))
        return redirect("dashboard:replies")
    return render(request, "dashboard/reply_form.html", {"form": form, "reply": reply},
                  status=400 if request.method == "POST" else 200)
