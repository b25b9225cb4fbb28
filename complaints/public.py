"""What the public may know about a complaint: its stages with their times, the unit it is with and that
unit's public handle, the public action-taken report and the outcome in plain words. Shared by the
tracking page, the public API and Open311.

Nothing internal leaves this module: no internal notes, staff or actor names, suggestion reasons,
author contact, rejection reasons, or codes of other people's complaints. Restricted complaints show
only their stages. The complaint text is shown only for complaints that came from X, where the citizen
published it; text taken down from a phone call or a walk-in may carry personal details.

Every text written by staff that may be published (the action-taken report here, on Open311 and in
tweets) passes `check_text`, the one decision on personal data: a text holding a phone number, an
Aadhaar, a PAN, a vehicle number or an e-mail address is replaced by a neutral line, and so is any text
whose check fails (it fails closed). `withheld` tells staff what the public does not see and why.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from districts.models import Unit

from . import lifecycle, personal_data
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
# A report waiting for the supervising officer's approval is an internal step: the public sees the
# complaint as in progress, and neither the report nor that it waits (issue #12 item 8).
PUBLIC_STATUS = {Status.AWAITING_APPROVAL: Status.IN_PROGRESS}


def public_status(complaint):
    return PUBLIC_STATUS.get(complaint.status, complaint.status)

FEEDBACK_STATUSES = (Status.RESOLVED, Status.CLOSED)

log = logging.getLogger(__name__)

# What the public reads instead of a text that may not be published.
WITHHELD_REPORT = _("The action taken is recorded; details are withheld because they contain personal "
                    "information.")
WITHHELD_TEXT = _("The complaint's text is withheld because it contains personal information.")


# ---------------------------------------------------------------- the one decision on public text

PERSONAL_DATA, CHECK_FAILED = "personal_data", "check_failed"


@dataclass(frozen=True)
class Verdict:
    """Whether a text may be published and, when not, why: a reason code and the kinds of data found."""

    publish: bool
    reason: str = ""
    kinds: tuple = ()

    @property
    def why(self):
        """The reason in the active language."""
        if self.reason == PERSONAL_DATA:
            return gettext("it contains %(found)s") % {"found": personal_data.describe(self.kinds)}
        if self.reason == CHECK_FAILED:
            return gettext("the check for personal data failed, so nothing was published")
        return ""


PUBLISH = Verdict(True)


def check_text(text) -> Verdict:
    """May this text be published? Asked for every public channel (tracking page, its JSON, Open311 and
    the outbox of tweets). Fails closed: if the check itself breaks, the text is not published."""
    if not (text or "").strip():
        return PUBLISH
    try:
        kinds = personal_data.kinds_in(text)
    except Exception:
        log.exception("The personal-data check failed; the text is withheld.")
        return Verdict(False, CHECK_FAILED)
    return Verdict(False, PERSONAL_DATA, tuple(kinds)) if kinds else PUBLISH


def _public(text, replacement):
    """`text` when it may be published, else the replacement line (in the active language)."""
    return text if check_text(text).publish else str(replacement)


def public_report(complaint):
    """The action-taken report as the public may read it: nothing for a restricted complaint, the
    neutral line for a report that holds personal data."""
    if complaint.is_restricted:
        return ""
    return _public(complaint.action_taken_report, WITHHELD_REPORT)


def public_text(complaint):
    """The complaint's own text as it may be published (Open311's description when that is switched on)."""
    if complaint.is_restricted:
        return ""
    return _public(complaint.text, WITHHELD_TEXT)


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
            stage.detail = _public(data.get("report", ""), WITHHELD_REPORT)
        if event.action == "close" and not restricted and data.get("outcome") in Outcome.values:
            stage.detail = str(Outcome(data["outcome"]).label)
        stages.append(stage)

    current_unit = units.get(complaint.unit.slug) if complaint.unit_id and not restricted else None
    status = public_status(complaint)
    view = PublicComplaint(
        tracking_code=complaint.tracking_code,
        status=status,
        status_label=str(STATUS_WORDS.get(status, complaint.get_status_display())),
        is_open=status in OPEN_STATUSES,
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
        view.action_taken_report = public_report(complaint)
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


# ---------------------------------------------------------------- what staff are told

@dataclass(frozen=True)
class Withheld:
    """Something the public does not see, for staff: where, and why (in the active language)."""

    where: str
    why: str


def withheld(complaint):
    """What the tracking page, its JSON and Open311 leave out of this complaint, and why."""
    if complaint.is_restricted:
        return [Withheld(gettext("Tracking page, its JSON and Open311"), gettext(
            "The complaint is restricted: the public sees only its stages and their times, not the unit, the "
            "report, the outcome or the text, and Open311 does not list it."))]
    items = []
    verdict = check_text(complaint.action_taken_report)
    if not verdict.publish:
        items.append(Withheld(gettext("Action-taken report on the tracking page, its JSON and Open311"), gettext(
            "Not shown because %(why)s. The public reads instead: “%(line)s”") % {
                "why": verdict.why, "line": WITHHELD_REPORT}))
    reports = Event.objects.filter(complaint=complaint, action="report").only("data")
    earlier = {e.data.get("report", "") for e in reports if isinstance(e.data, dict)}
    verdicts = [check_text(text) for text in sorted(earlier - {complaint.action_taken_report, ""})]
    held = [v for v in verdicts if not v.publish]
    if held:
        items.append(Withheld(gettext("An earlier action-taken report in the tracking page's stages"), gettext(
            "Not shown because %(why)s.") % {"why": held[0].why}))
    if getattr(settings, "OPEN311_PUBLISH_TEXT", False) and complaint.text:
        verdict = check_text(complaint.text)
        if not verdict.publish:
            items.append(Withheld(gettext("The complaint's text on Open311"), gettext(
                "Not published because %(why)s.") % {"why": verdict.why}))
    return items


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
    if action == "file":
        return  # only existing complaints' pages are cached, and no one could read this one before its commit
    code = complaint.tracking_code
    forget_pages(code)
    # Again after commit: a reader may have cached the old state between the delete and the commit.
    transaction.on_commit(lambda: forget_pages(code))
