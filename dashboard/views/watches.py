"""The watch queue (posts found on X that did not tag the police), the watches and their editor. The
ingest side (twitter_ingest.watch_queue) is reached through dashboard.ingest_bridge; who sees which
unit's queue is decided there through complaints.scoping."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import ingest_bridge, roles
from ..watch_forms import WatchForm
from .common import staff_required

TABS = ("open", "filed", "dismissed", "informed")


def _queue_module():
    module = ingest_bridge.module("watch_queue")
    if module is None:
        raise Http404(_("Watches are not available."))
    return module


@staff_required()
def queue(request):
    wq = _queue_module()
    if request.method == "POST":
        return _act(request, wq)
    status = request.GET.get("status") if request.GET.get("status") in TABS else "open"
    finds = wq.queue(request.user, status=status)
    for find in finds:
        find.actionable = wq.can_act(request.user, find.unit_id)
    return render(request, "dashboard/watch_queue.html", {
        "finds": finds, "status": status, "tabs": TABS, "notices": wq.notices(request.user),
        "spikes": wq.spikes(request.user),
    })


def _act(request, wq):
    action, pk = request.POST.get("action"), request.POST.get("find")
    try:
        pk = int(pk)
        if action == "file":
            complaint = wq.file_as_complaint(request.user, pk, reply_on_x=request.POST.get("reply_on_x") == "on")
            messages.success(request, _("Filed as %(code)s.") % {"code": complaint.tracking_code})
        elif action == "dismiss":
            wq.dismiss(request.user, pk, request.POST.get("reason"))
            messages.success(request, _("Dismissed."))
        elif action == "informed":
            wq.informed(request.user, pk, request.POST.get("whom"), request.POST.get("note", ""))
            messages.success(request, _("Recorded: the thana was informed."))
        else:
            raise ValidationError(_("Unknown action."))
    except (TypeError, ValueError):
        messages.error(request, _("Unknown post."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do that."))
        return redirect(reverse("dashboard:watch_queue"))
    return redirect(reverse("dashboard:watch_queue"))


@staff_required(roles.is_hq, roles.is_cell, roles.is_supervisor)
def watch_list(request):
    wq = _queue_module()
    return render(request, "dashboard/watches.html", {
        "rows": wq.watch_rows(request.user), "can_edit": wq.editable_units(request.user).exists(),
        "price": settings.X_POST_READ_USD,
    })


@staff_required(roles.is_hq, roles.is_cell)
def watch_edit(request, pk=None):
    wq = _queue_module()
    Watch = ingest_bridge.model("Watch")
    units = wq.editable_units(request.user)
    watch = None
    if pk is not None:
        watch = wq.visible_watches(request.user).filter(pk=pk).first()
        if watch is None or not units.filter(pk=watch.unit_id).exists():
            raise Http404
    preview = None
    if request.method == "POST":
        form = WatchForm(request.POST, units=units)
        if form.is_valid():
            data = form.watch_data()
            if "preview" in request.POST:
                preview = wq.preview(data)
            else:
                try:
                    watch = wq.save_watch(request.user, data, watch)
                except (ValidationError, ValueError) as exc:
                    messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
                else:
                    messages.success(request, _("Watch saved."))
                    return redirect(reverse("dashboard:watches"))
    elif watch is not None:
        form = WatchForm(initial=WatchForm.initial_of(watch), units=units)
    else:
        unit = units.filter(slug=request.GET.get("unit")).first() or (units.first() if units.count() == 1 else None)
        initial = {"monthly_cap": settings.X_WATCH_DEFAULT_MONTHLY_CAP, "is_active": True}
        if unit is not None:
            defaults = ingest_bridge.module("watch_query")
            initial.update(unit=unit.pk, name=_("Incidents in %(unit)s") % {"unit": unit.name_en},
                           place_terms="\n".join(defaults.default_places(unit)),
                           incident_terms="\n".join(defaults.default_terms(limit_count=60)))
        form = WatchForm(initial=initial, units=units)
    return render(request, "dashboard/watch_edit.html", {
        "form": form, "watch": watch, "preview": preview, "units": units, "model_ok": Watch is not None,
        "price": settings.X_POST_READ_USD,
    })
