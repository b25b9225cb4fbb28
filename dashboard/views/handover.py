"""The shift-handover report: what arrived, what was done and what is pending or overdue in a shift; the
requests to look again and the satisfied answers that came in; urgent complaints, those handed to Dial 112
and those still without any action (the alarm, as it stood at the end of the shift or now)."""

from datetime import datetime, time, timedelta

from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from complaints import feedback
from complaints.models import OPEN_STATUSES, Event, Priority

from .. import reopen_requests, urgent
from ..forms import HandoverForm
from .common import staff_required, visible

SHIFT_HOURS = {"morning": (8, 16), "evening": (14, 22), "night": (22, 8)}
DONE_ACTIONS = ("forward", "note", "assign_station", "report", "resolve", "close", "reject", "merge", "transfer",
                "reopen", "escalated", "escalation_step", "nudge", "request_transfer", "hand_to_112", "submit_report",
                "return_report")


def window(day, shift):
    start_h, end_h = SHIFT_HOURS[shift]
    tz = timezone.get_default_timezone()
    start = datetime.combine(day, time(start_h), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1) if end_h <= start_h else day, time(end_h), tzinfo=tz)
    return start, end


def _current_shift():
    now = timezone.localtime()
    shift = "morning" if 8 <= now.hour < 14 else "evening" if 14 <= now.hour < 22 else "night"
    day = now.date() - timedelta(days=1) if shift == "night" and now.hour < 8 else now.date()
    return {"date": day, "shift": shift}


@staff_required()
def handover(request):
    form = HandoverForm(request.GET or None, initial=_current_shift())
    params = form.cleaned_data if form.is_bound and form.is_valid() else _current_shift()
    start, end = window(params["date"], params["shift"])
    scoped = visible(request)
    arrived = scoped.filter(received_at__gte=start, received_at__lt=end)
    events = Event.objects.filter(complaint__in=scoped, created_at__gte=start, created_at__lt=end,
                                  action__in=DONE_ACTIONS)
    pending = scoped.filter(status__in=OPEN_STATUSES, received_at__lt=end)
    overdue = pending.filter(sla_due_at__lt=end)
    asked = reopen_requests.in_window(scoped, start, end)
    handed = events.filter(action="hand_to_112").select_related("complaint").order_by("-created_at")
    return render(request, "dashboard/handover.html", {
        "asked_count": asked.count(),
        "asked": [(e, feedback.from_tracking_page(e)) for e in asked[:100]],
        "satisfied_count": Event.objects.filter(complaint__in=scoped, action="citizen_satisfied",
                                                created_at__gte=start, created_at__lt=end).count(),
        "asked_waiting": reopen_requests.count(scoped),
        "urgent_count": arrived.filter(priority=Priority.URGENT).count(),
        "handed": handed[:100],
        "alarm": urgent.banner(scoped, min(end, timezone.now())),
        "form": form, "start": start, "end": end,
        "arrived_count": arrived.count(),
        "arrived": arrived.select_related("unit", "category").order_by("-received_at")[:100],
        "done_counts": events.values("action").annotate(n=Count("id")).order_by("action"),
        "done": events.select_related("complaint").order_by("-created_at")[:100],
        "pending_count": pending.count(),
        "overdue_count": overdue.count(),
        "overdue": overdue.select_related("unit").order_by("sla_due_at")[:100],
    })
