"""Who is told about what, and the sending of it.

- `recipients(unit, level, complaint)` is the one place that decides who answers for a unit at a level of
  the escalation ladder: the unit's logins in the role for that level, and the cell's reported contacts
  (districts.CellContact) with an e-mail address. A complaint whose report waits for the SP's approval
  (awaiting_approval) waits for the SP, not the cell: at the unit's level it is the SP who is told (the
  unit's Role.APPROVER logins, or the nearest unit above with any), and the cell only where no SP login
  exists to tell, so that the step still reaches someone who can walk it to the SP.
  HQ's forwarding ladder (a new complaint past HQ's deadline to forward it) tells the state unit's people:
  first HQ's cell (its Role.HQ_OPERATOR logins and the cell contacts HQ keeps for itself), then HQ's
  supervisors (its Role.HQ_SUPERVISOR logins, not the contacts, who were told at the step before). Only
  the HQ roles are asked: a login of a unit role (Role.SUPERVISOR, Role.APPROVER) sees complaints routed
  to units, which a new complaint is not, so the scoping function would drop it anyway. A restricted new
  complaint, which HQ's operators may not see, goes to HQ's supervisors at the cell's step already, and
  is not told to them again at their own.
- `approvers(unit, complaint)` is who may approve a unit's reports (also the SP's morning digest).
- `post(...)` writes one Notification per recipient and one Delivery per channel that recipient has, in
  the caller's transaction; rows that exist already are skipped by the database (unique keys), so posting
  the same alert again adds nothing.
- The receiver of the lifecycle's "escalation_step" event posts the step's alert inside the step's own
  transaction: the step and its alerts commit together or not at all. Its key is what the alert says
  (alert_key), not the step, so a person is told of one missed deadline at one level once.
- `deliver_pending()` sends the waiting deliveries through settings.NOTIFICATION_BACKENDS, each claimed
  with a conditional UPDATE first, so two senders never send one twice.
"""

import logging
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db.models import F, Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import import_string

from complaints import lifecycle, scoping
from complaints.escalation_models import FORWARDING_LADDER, TOP_LEVELS, EscalationLevel
from complaints.models import Status
from districts.models import CellContact, Role, StaffProfile, Unit

from .notification_models import Delivery, DeliveryStatus, Notification, NotificationKind
from .notify_backends import TransientError

log = logging.getLogger("dashboard.notify")

ROLES_BY_LEVEL = {
    EscalationLevel.CELL: (Role.CELL,),
    EscalationLevel.RANGE: (Role.SUPERVISOR,),
    EscalationLevel.ZONE: (Role.SUPERVISOR,),
    EscalationLevel.HQ: (Role.HQ_SUPERVISOR, Role.HQ_OPERATOR),
    EscalationLevel.HQ_CELL: (Role.HQ_OPERATOR,),
    EscalationLevel.HQ_SUPERVISOR: (Role.HQ_SUPERVISOR,),
}
# The cell contacts are the cell's staff: at the supervisors' own rung they are not told again.
WITHOUT_CONTACTS = (EscalationLevel.HQ_SUPERVISOR,)


@dataclass(frozen=True)
class Recipient:
    user: object
    email: str
    language: str


def waits_for_approval(complaint):
    return complaint is not None and complaint.status == Status.AWAITING_APPROVAL


def _logins(profiles, complaint):
    found = []
    for profile in profiles.filter(user__is_active=True).select_related("user", "unit").order_by("user_id"):
        if complaint is not None and not scoping.can_see(profile.user, complaint):
            continue
        found.append(Recipient(profile.user, profile.user.email.strip(), profile.language or settings.LANGUAGE_CODE))
    return found


def approvers(unit, complaint=None):
    """The logins who approve `unit`'s station reports: its own SP (Role.APPROVER), else those of the nearest
    unit above it that has any (a commissionerate's CP for its traffic wing); with a complaint, only those who
    may see it (scoping), as the approvals queue shows it."""
    for candidate in (unit, *unit.ancestors()):
        found = _logins(StaffProfile.objects.filter(unit=candidate, role=Role.APPROVER), complaint)
        if found:
            return found
    return []


def recipients(unit, level, complaint=None):
    """The people who answer for `unit` at `level` (see the module's docstring). With a complaint, only
    logins that may see it; a restricted complaint is told to no contact without a login, whose rights
    nobody can check."""
    if level == EscalationLevel.CELL and waits_for_approval(complaint):
        found = approvers(unit, complaint)
        if found:
            return found
    found = _logins(StaffProfile.objects.filter(unit=unit, role__in=ROLES_BY_LEVEL[level]), complaint)
    if level == EscalationLevel.HQ_CELL and not found and complaint is not None and complaint.is_restricted:
        # HQ's operators may not see a restricted complaint: its supervisors, who may and so forward it,
        # are told at once rather than a step later.
        return recipients(unit, EscalationLevel.HQ_SUPERVISOR, complaint)
    addresses = {r.email.lower() for r in found if r.email}
    if (complaint is not None and complaint.is_restricted) or level in WITHOUT_CONTACTS:
        return found
    for contact in CellContact.objects.filter(unit=unit, is_active=True).exclude(email="").order_by("pk"):
        email = contact.email.strip()
        if email.lower() not in addresses:
            addresses.add(email.lower())
            found.append(Recipient(None, email, settings.LANGUAGE_CODE))
    return found


@lru_cache(maxsize=8)
def _backends(paths):
    return tuple(import_string(path)() for path in paths)


def backends():
    return _backends(tuple(settings.NOTIFICATION_BACKENDS))


def post(*, key, kind, people, complaint=None, unit=None, level="", data=None, at=None):
    """One notification per person for `key`, and its deliveries; returns how many were new."""
    at = at or timezone.now()
    before = Notification.objects.filter(key=key).count()
    Notification.objects.bulk_create([
        Notification(recipient=p.user, email=p.email, language=p.language, kind=kind, key=key,
                     complaint=complaint, unit=unit, level=level, data=data or {}, created_at=at)
        for p in people
    ], ignore_conflicts=True)
    made = list(Notification.objects.filter(key=key))
    Delivery.objects.bulk_create([
        Delivery(notification=n, channel=b.channel) for n in made for b in backends() if b.accepts(n)
    ], ignore_conflicts=True)
    return Notification.objects.filter(key=key).count() - before


def alert_key(complaint, unit, level, sla_due, awaiting_approval):
    """What an escalation alert says, as a key: the complaint, the deadline it missed, the unit and level
    told, and whether its report waits for approval. A ladder that starts again for the same deadline (the
    cell files its report, the SP returns it) takes new steps, but tells nobody what they were told already."""
    return f"escalation:{complaint.pk}:{sla_due}:{unit.pk}:{level}" + (":approval" if awaiting_approval else "")


@receiver(lifecycle.transitioned, dispatch_uid="dashboard.notify.escalation_step")
def on_escalation_step(sender, complaint, event, action, **kwargs):
    if action != "escalation_step":
        return
    unit = Unit.objects.get(pk=event.data["unit_id"])
    level = event.data["level"]
    waiting = waits_for_approval(complaint)
    people = recipients(unit, level, complaint)
    if level == EscalationLevel.HQ_SUPERVISOR:
        # A restricted one reached HQ's supervisors at the cell's step already: they are not told again.
        told = Notification.objects.filter(
            key=alert_key(complaint, unit, EscalationLevel.HQ_CELL, event.data["sla_due"], waiting))
        told_users = set(told.exclude(recipient=None).values_list("recipient_id", flat=True))
        people = [p for p in people if p.user is None or p.user.pk not in told_users]
    post(key=alert_key(complaint, unit, level, event.data["sla_due"], waiting), kind=NotificationKind.ESCALATION,
         people=people, complaint=complaint, unit=unit, level=level,
         at=event.created_at,
         data={"code": complaint.tracking_code, "cell_id": complaint.unit_id, "unit_id": unit.pk,
               "level": level, "due": event.data["due"], "sla_due": event.data["sla_due"],
               "top": level in TOP_LEVELS, "awaiting_approval": waiting,
               "to_forward": level in FORWARDING_LADDER})


def deliver_pending(limit=200):
    """Send waiting deliveries; returns {"sent": n, "retry": n, "failed": n}."""
    by_channel = {b.channel: b for b in backends()}
    counts = {"sent": 0, "retry": 0, "failed": 0}
    pending = Delivery.objects.filter(status=DeliveryStatus.PENDING).order_by("pk").values_list("pk", flat=True)
    for pk in list(pending[:limit]):
        claimed = Delivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING, attempts=F("attempts") + 1)
        if claimed != 1:
            continue  # another sender has it
        delivery = Delivery.objects.select_related("notification", "notification__recipient").get(pk=pk)
        backend = by_channel.get(delivery.channel)
        outcome, error = "sent", ""
        try:
            if backend is None:
                raise LookupError(f"no backend for channel {delivery.channel!r}")
            backend.send(delivery.notification)
        except Exception as exc:  # noqa: BLE001  (any failure is recorded on the row, never lost)
            transient = isinstance(exc, TransientError) and delivery.attempts < settings.NOTIFICATION_MAX_ATTEMPTS
            outcome, error = ("retry" if transient else "failed"), f"{type(exc).__name__}: {exc}"[:300]
            log.warning("delivery %s on %s: %s", pk, delivery.channel, error)
        status = {"sent": DeliveryStatus.SENT, "retry": DeliveryStatus.PENDING, "failed": DeliveryStatus.FAILED}
        Delivery.objects.filter(pk=pk).update(status=status[outcome], last_error=error,
                                              sent_at=timezone.now() if outcome == "sent" else None)
        counts[outcome] += 1
    return counts


def for_user(user, visible=None):
    """The bell's items for a login: their own, about complaints they may still see (or about no complaint).
    `visible` is scoping.visible_complaints(user) when the caller has it already."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    visible = scoping.visible_complaints(user) if visible is None else visible
    return Notification.objects.filter(recipient=user).filter(Q(complaint__isnull=True) | Q(complaint__in=visible))


def unread_count(user, visible=None):
    return for_user(user, visible).filter(read_at__isnull=True).count()



def mark_read(user, ids=None, at=None):
    """Mark the login's items read (all of them when `ids` is None); returns how many changed."""
    qs = for_user(user).filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return Notification.objects.filter(pk__in=list(qs.values_list("pk", flat=True))).update(
        read_at=at or timezone.now())
