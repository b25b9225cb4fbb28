"""The morning digest: each cell is told, once a day, what waits for it (beat, 08:00 IST): complaints past
their deadline, waiting for Noted, urgent ones still open, requests to reopen waiting for a decision, and,
apart from those, the reports it filed that wait for the SP's approval (not late on the cell's part).
One bell item and one e-mail per person of the cell (notify.recipients at the cell level), keyed by the
unit and the day, so a second run the same day adds nothing. A cell with nothing waiting is not written to.

Each unit's supervising officers (Role.APPROVER) get their own digest at the same hour: the reports waiting
for their approval, those past the complaint's deadline first, with the approvals queue to open; keyed by
the unit and the day as well, and none when nothing waits.

HQ's cell (notify.recipients at the state unit's HQ_CELL level: its operators and the cell contacts HQ keeps
for itself) gets its own digest at the same hour: the new complaints still waiting to be forwarded past HQ's
deadline, with HQ's inbox to open; keyed by the state unit and the day, none when nothing waits. The state
unit is not among the cells: a cell's sections for the whole state would list every unit's complaints.

Restricted complaints are left out: the digest goes to every person of the cell, and to cell contacts
without a login, who may not see them; the designated staff see them in their queue, the SP in the
approvals queue."""

from django.utils import timezone

from complaints.escalation import hq_unit
from complaints.escalation_models import EscalationLevel
from complaints.models import Complaint, Priority, Status
from districts.models import CellContact, Role, StaffProfile, Unit, UnitType

from . import notify, reopen_requests
from .notification_models import NotificationKind

CODES_PER_SECTION = 20


def cells():
    """Units with someone to tell: cell logins, or cell contacts with an e-mail address."""
    ids = set(StaffProfile.objects.filter(role=Role.CELL, user__is_active=True).values_list("unit_id", flat=True))
    ids |= set(CellContact.objects.filter(is_active=True).exclude(email="").values_list("unit_id", flat=True))
    return Unit.objects.filter(pk__in=ids, is_active=True).exclude(unit_type=UnitType.STATE).order_by("pk")


def _mine(unit):
    return Complaint.objects.filter(unit_id__in=unit.subtree_ids(), is_restricted=False)


def waiting(unit, now):
    """{section: queryset} of the unit's complaints (its own and those of units under it)."""
    mine = _mine(unit)
    return {
        "overdue": mine.overdue(now).exclude(status=Status.AWAITING_APPROVAL),
        "waiting_noted": mine.filter(status=Status.FORWARDED),
        "urgent": mine.open().filter(priority=Priority.URGENT),
        "reopen_requests": mine.filter(pk__in=reopen_requests.waiting_ids()),
        "with_approver": mine.filter(status=Status.AWAITING_APPROVAL),
    }


def waiting_approval(unit, now):
    """{section: queryset} of the reports waiting for the approval of `unit`'s supervising officer."""
    reports = _mine(unit).filter(status=Status.AWAITING_APPROVAL)
    return {
        "approval_overdue": reports.overdue(now),
        "awaiting_approval": reports.exclude(pk__in=reports.overdue(now).values("pk")),
    }


def waiting_forward(unit, now):
    """{section: queryset} of what waits for HQ's cell: new complaints past the deadline to forward them."""
    return {"forward_overdue": Complaint.objects.filter(status=Status.NEW, is_restricted=False).overdue(now)}


def approver_units():
    """Units with a supervising officer's login to tell."""
    ids = StaffProfile.objects.filter(role=Role.APPROVER, user__is_active=True).values_list("unit_id", flat=True)
    return Unit.objects.filter(pk__in=set(ids), is_active=True).order_by("pk")


def summary(unit, now, sections=waiting):
    counts, codes = {}, {}
    for section, qs in sections(unit, now).items():
        counts[section] = qs.count()
        if counts[section]:
            codes[section] = list(qs.order_by(*_order(section)).values_list("tracking_code", flat=True)
                                  [:CODES_PER_SECTION])
    return counts, codes


def _order(section):
    return ("sla_due_at", "pk") if section != "reopen_requests" else ("-updated_at", "pk")


def send_morning(now=None):
    """Post today's digest for every cell, every unit's SP and HQ's cell, with something waiting; returns
    how many items were new."""
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
    for unit in approver_units():
        counts, codes = summary(unit, now, waiting_approval)
        if not any(counts.values()):
            continue
        made += notify.post(key=f"approvals:{unit.pk}:{day.isoformat()}", kind=NotificationKind.DIGEST,
                            people=notify.approvers(unit), unit=unit, level=EscalationLevel.CELL, at=now,
                            data={"day": day.isoformat(), "counts": counts, "codes": codes,
                                  "audience": "approver"})
    hq = hq_unit()
    if hq is not None:
        counts, codes = summary(hq, now, waiting_forward)
        if any(counts.values()):
            made += notify.post(key=f"digest:{hq.pk}:{day.isoformat()}", kind=NotificationKind.DIGEST,
                                people=notify.recipients(hq, EscalationLevel.HQ_CELL), unit=hq,
                                level=EscalationLevel.HQ_CELL, at=now,
                                data={"day": day.isoformat(), "counts": counts, "codes": codes, "audience": "hq"})
    return made

