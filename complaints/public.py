"""What the public may know about a complaint: its stages with their times, the unit it is with and that
unit's public handle, the public action-taken report and the outcome in plain words. Shared by the
tracking page, the public API and Open311.

Nothing internal leaves this module: no internal notes, staff or actor names, suggestion reasons,
author contact, rejection reasons, or codes of other people's complaints. Restricted complaints show
only their stages. The complaint text is shown only for complaints that came from X, where the citizen
published it; text taken down from a phone call or a walk-in may carry personal details.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Unit

from . import lifecycle
from .models import OPEN_STATUSES, Channel, Complaint, Event, Outcome, Status

# Event actions a citizen may see, with how they read on the page.
STAGE_LABELS = {
    "file": _("Received"),
    "forward": _("Forwarded"),
    "note": _("Noted by the police"),
    "assign_station": _("Passed to the police station"),
    "report": _("Action taken"),
    "resolve": _("Resolved"),
    "close": _("Closed"),
    "reopen": _("Reopened"),
    "transfer": _("Sent on to the right unit"),
    "reject": _("Not taken up as a police complaint"),
    "merge": _("Joined with another complaint about the same matter"),
    "citizen_satisfied": _("You told us you are satisfied"),
    "reopen_requested": _("You asked us to look at it again"),
}
PUBLIC_ACTIONS = tuple(STAGE_LABELS)

# The current state in words a citizen understands.
STATUS_WORDS = {
    Status.NEW: _("Received; being read by the police Twitter cell"),
    Status.FORWARDED: _("Forwarded to the district police"),
    Status.NOTED: _("Noted by the district police"),
    Status.IN_PROGRESS: _("Action in progress"),
    Status.RESOLVED: _("Resolved"),
    Status.CLOSED: _("Closed"),
    Status.REJECTED: _("Not taken up as a police complaint"),
    Status.DUPLICATE: _("Being handled with another complaint about the same matter"),
    Status.TRANSFERRED: _("Being sent on to the right unit"),
    Status.REOPENED: _("Reopened; being looked at again"),
}

FEEDBACK_STATUSES = (Status.RESOLVED, Status.CLOSED)


@dataclass
class Stage:
    key: str
    label: str
    at: datetime
    unit: str = ""
    handle: str = ""
    detail: str = ""


@dataclass
class PublicComplaint:
    tracking_code: str
    status: str
    status_label: str
    is_open: bool
    restricted: bool
    received_at: datetime
    updated_at: datetime
    stages: list = field(default_factory=list)
    unit_name: str = ""
    unit_handle: str = ""
    text: str = ""
    action_taken_report: str = ""
    outcome: str = ""
    outcome_label: str = ""
    fir_number: str = ""
    can_give_feedback: bool = False
    last_event_id: int = 0

    @property
    def etag_seed(self):
        return f"{self.tracking_code}-{self.last_event_id}"


def with_last_event(queryset=None):
    """Complaints annotated with their newest event id: it changes on every change, citizen feedback
    included, so it is the page's cache version."""
    qs = Complaint.objects.all() if queryset is None else queryset
    newest = Event.objects.filter(complaint=OuterRef("pk")).order_by("-id").values("id")[:1]
    return qs.annotate(last_event_id=Subquery(newest))


def _units_by_slug(slugs):
    units = Unit.objects.filter(slug__in=set(slugs)).prefetch_related("accounts")
    return {u.slug: u for u in units}


def public_view(complaint) -> PublicComplaint:
    """The public view of one complaint (two or three queries)."""
    restricted = complaint.is_restricted
    events = list(
        Event.objects.filter(complaint=complaint, action__in=PUBLIC_ACTIONS)
        .only("id", "action", "data", "created_at").order_by("created_at", "id")
    )
    slugs = [e.data.get("unit") or e.data.get("to_unit") for e in events if isinstance(e.data, dict)]
    if complaint.unit_id:
        slugs.append(complaint.unit.slug)
    units = _units_by_slug([s for s in slugs if s]) if not restricted else {}

    stages = []
    for event in events:
        stage = Stage(key=event.action, label=str(STAGE_LABELS[event.action]), at=event.created_at)
        data = event.data if isinstance(event.data, dict) else {}
        unit = units.get(data.get("unit") or data.get("to_unit") or "")
        if unit and event.action in ("forward", "transfer") and not restricted:
            stage.unit, stage.handle = unit.display_name(), unit.primary_handle
        if event.action == "report" and not restricted:
            stage.detail = data.get("report", "")
        if event.action == "close" and not restricted and data.get("outcome") in Outcome.values:
            stage.detail = str(Outcome(data["outcome"]).label)
        stages.append(stage)

    current_unit = units.get(complaint.unit.slug) if complaint.unit_id and not restricted else None
    view = PublicComplaint(
        tracking_code=complaint.tracking_code,
        status=complaint.status,
        status_label=str(STATUS_WORDS.get(complaint.status, complaint.get_status_display())),
        is_open=complaint.status in OPEN_STATUSES,
        restricted=restricted,
        received_at=complaint.received_at,
        updated_at=complaint.updated_at,
        stages=stages,
        can_give_feedback=complaint.status in FEEDBACK_STATUSES,
        last_event_id=getattr(complaint, "last_event_id", None) or (events[-1].id if events else 0),
    )
    if not restricted:
        view.unit_name = current_unit.display_name() if current_unit else ""
        view.unit_handle = current_unit.primary_handle if current_unit else ""
        view.text = complaint.text if complaint.channel == Channel.X else ""
        view.action_taken_report = complaint.action_taken_report
        if complaint.outcome in Outcome.values:
            view.outcome = complaint.outcome
            view.outcome_label = str(Outcome(complaint.outcome).label)
            view.fir_number = complaint.fir_number if complaint.outcome == Outcome.FIR else ""
    return view


def as_dict(view: PublicComplaint) -> dict:
    """JSON-ready form (times as ISO 8601 in IST)."""
    def iso(dt):
        return timezone.localtime(dt).isoformat() if dt else None

    return {
        "tracking_code": view.tracking_code,
        "status": view.status,
        "status_label": view.status_label,
        "is_open": view.is_open,
        "restricted": view.restricted,
        "received_at": iso(view.received_at),
        "updated_at": iso(view.updated_at),
        "unit": view.unit_name,
        "unit_handle": view.unit_handle,
        "text": view.text,
        "action_taken_report": view.action_taken_report,
        "outcome": view.outcome,
        "outcome_label": view.outcome_label,
        "fir_number": view.fir_number,
        "stages": [
            {"stage": s.key, "label": s.label, "at": iso(s.at), "unit": s.unit, "handle": s.handle,
             "detail": s.detail}
            for s in view.stages
        ],
    }


# ---------------------------------------------------------------- the rendered page's cache

def page_cache_key(code, language):
    return f"track:page:{code}:{language}"


def page_cache_seconds():
    """How long a rendered page may be served without asking the database. Every change through the
    lifecycle drops the complaint's pages at once (in this process and, with Redis, everywhere); the
    timeout only bounds staleness for changes made by processes that never loaded this module."""
    return int(getattr(settings, "TRACK_PAGE_CACHE_SECONDS", 60))


def forget_pages(code):
    cache.delete_many([page_cache_key(code, language) for language, _ in settings.LANGUAGES])


@receiver(lifecycle.transitioned, dispatch_uid="complaints.public.forget_pages")
def _forget_on_change(sender, complaint, event, action, **kwargs):
    code = complaint.tracking_code
    forget_pages(code)
    # Again after commit: a reader may have cached the old state between the delete and the commit.
    transaction.on_commit(lambda: forget_pages(code))
