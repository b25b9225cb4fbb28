"""What a done action says back, beyond "done": where a forward or a transfer went and what X will be told.
The forward's tweet is the outbox row the ingest side queued for the forward's event (key forward:<event>),
read through ingest_bridge; where there is no ingest side the sentence says only where the complaint went."""

from django.utils.translation import gettext as _

from complaints import lifecycle
from complaints.models import Status

from . import ingest_bridge


def _forward_tweet(complaint):
    event = complaint.events.filter(action="forward").order_by("-created_at", "-id").first()
    Outbox = ingest_bridge.model("Outbox")
    if event is None or Outbox is None:
        return None
    return Outbox.objects.filter(complaint=complaint, idempotency_key=f"forward:{event.pk}").first()


def forwarded(complaint):
    unit = complaint.unit.display_name()
    if complaint.is_restricted:
        return _("Forwarded to %(unit)s; nothing is tweeted (restricted).") % {"unit": unit}
    row = _forward_tweet(complaint)
    handle = complaint.unit.primary_handle
    if row is None:
        return _("Forwarded to %(unit)s; no tweet is sent, the unit sees it on its dashboard.") % {"unit": unit}
    if row.status == "held":
        return _("Forwarded to %(unit)s; the tweet to @%(handle)s is held for a person: %(reason)s") % {
            "unit": unit, "handle": handle, "reason": _held_reason(row.reason)}
    return _("Forwarded to %(unit)s; the tweet to @%(handle)s is queued.") % {"unit": unit, "handle": handle}


def _held_reason(code):
    reasons = ingest_bridge.module("hold_reasons")
    return reasons.describe(code) if reasons is not None and hasattr(reasons, "describe") else code


def transferred(complaint, previous):
    if previous is None:
        return _("Transferred to %(unit)s.") % {"unit": complaint.unit.display_name()}
    return _("Transferred to %(unit)s (was with %(previous)s).") % {
        "unit": complaint.unit.display_name(), "previous": previous.display_name()}


def merged(complaint):
    if not lifecycle.thread_follows(complaint, complaint.duplicate_of):
        return _("%(code)s is marked as a duplicate of %(into)s; its thread stays with it (restricted).") % {
            "code": complaint.tracking_code, "into": complaint.duplicate_of.tracking_code}
    return _("%(code)s is marked as a duplicate of %(into)s; its thread and later replies go to %(into)s.") % {
        "code": complaint.tracking_code, "into": complaint.duplicate_of.tracking_code}


def after(action, complaint, previous_unit=None):
    """The sentence for a done action, or None for the plain "done"."""
    if action == "forward" and complaint.unit_id:
        return forwarded(complaint)
    if action == "transfer" and complaint.unit_id:
        return transferred(complaint, previous_unit)
    if action == "merge" and complaint.duplicate_of_id:
        return merged(complaint)
    if action in ("report", "resolve") and complaint.status == Status.AWAITING_APPROVAL:
        return _("the report now waits for the supervising officer's approval; until then it is neither public "
                 "nor tweeted.")
    if action == "approve_report":
        if complaint.status == Status.RESOLVED:
            return _("report approved; the complaint is resolved and the complainant is told as usual.")
        return _("report approved; it is filed as the action-taken report.")
    if action == "return_report":
        return _("report returned to the cell with your reason.")
    return None
