"""The morning digest: each cell is told, once a day, what waits for it (beat, 08:00 IST): complaints past
their deadline, waiting for Noted, urgent ones still open, and requests to reopen waiting for a decision.
One bell item and one e-mail per person of the cell (notify.recipients at the cell level), keyed by the
unit and the day, so a second run the same day adds nothing. A cell with nothing waiting is not written to.

Restricted complaints are left out: the digest goes to every person of the cell, and to cell contacts
without a login, who may not see them; the designated staff see them in their queue."""

from django.utils import timezone

from complaints.escalation_models import EscalationLevel
from complaints.models import Complaint, Priority, Status
from districts.models import CellContact, Role, StaffProfile, Unit

from . import notify, reopen_requests
from .notification_models import NotificationKind

CODES_PER_SECTION = 20


def cells():
    """Units with someone to tell: cell logins, or cell contacts with an e-mail address."""
    ids = set(StaffProfile.objects.filter(role=Role.CELL, user__is_active=True).values_list("unit_id", flat=True))
    ids |= set(CellContact.objects.filter(is_active=True).exclude(email="").values_list("unit_id", flat=True))
    return Unit.objects.filter(pk__in=ids, is_active=True).order_by("pk")


def waiting(unit, now):
    """{section: queryset} of the unit's complaints (its own and those of units under it)."""
    mine = Complaint.objects.filter(unit_id__in=unit.subtree_ids(), is_restricted=False)
    return {
        "overdue": mine.overdue(now),
        "waiting_noted": mine.filter(status=Status.FORWARDED),
        "urgent": mine.open().filter(priority=Priority.URGENT),
        "reopen_requests": mine.filter(pk__in=reopen_requests.waiting_ids()),
    }


def summary(unit, now):
    counts, codes = {}, {}
    for section, qs in waiting(unit, now).items():
        counts[section] = qs.count()
        if counts[section]:
            codes[section] = list(qs.order_by(*_order(section)).values_list("tracking_code", flat=True)
                                  [:CODES_PER_SECTION])
    return counts, codes


def _order(section):
    return ("sla_due_at", "pk") if section != "reopen_requests" else ("-updated_at", "pk")


def send_morning(now=None):
    """Post today's digest for every cell with something waiting; returns how many items were new."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    made = 0
    for unit in cells():
        counts, codes = summary(unit, now)
        if not any(counts.values()):
            continue
        made += notify.post(key=f"digest:{unit.pk}:{day.isoformat()}", kind=NotificationKind.DIGEST,
                            people=notify.recipients(unit, EscalationLevel.CELL), unit=unit,
                            level=EscalationLevel.CELL, at=now,
                            data={"day": day.isoformat(), "counts": counts, "codes": codes})
    return made

