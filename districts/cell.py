"""A unit's social-media cell as it reports itself to HQ (circular 001 §5): its staff (name, designation,
CUG number, e-mail, shift), the cell's confirmation that the list is current, and HQ's directory of every
unit with the reminders it sends to the cells whose confirmation is stale.

Contacts are personal data: they are shown only to HQ and the unit's own cell (complaints.scoping decides),
never on a public page or in the API. Each change is recorded on the unit's cell page (CellEvent) with the
names of the fields that changed, not their values, so the record does not become a second copy of the
numbers. A contact who leaves is deleted, not kept."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import names
from .models import CellAction, CellContact, CellEvent, Unit
from .phones import parse_cug

log = logging.getLogger(__name__)

CONTACT_FIELDS = ("staff_name", "designation", "cug_number", "email", "shift")
DEFAULT_STALE_DAYS = 30


def stale_days():
    return getattr(settings, "CELL_CONTACTS_STALE_DAYS", DEFAULT_STALE_DAYS)


def is_stale(confirmed_at, now=None):
    """Never confirmed, or confirmed longer ago than CELL_CONTACTS_STALE_DAYS."""
    return confirmed_at is None or confirmed_at < (now or timezone.now()) - timedelta(days=stale_days())


def _cleaned(values):
    values = {f: values.get(f, "") for f in CONTACT_FIELDS}
    values["staff_name"] = names.clean(values["staff_name"])
    values["designation"] = names.clean(values["designation"])
    values["email"] = (values["email"] or "").strip().lower()
    if values["cug_number"]:
        values["cug_number"] = parse_cug(values["cug_number"])
    return values


@transaction.atomic
def add_contact(unit, values, *, actor=None):
    contact = CellContact(unit=unit, **_cleaned(values))
    contact.full_clean()
    contact.save()
    CellEvent.record(unit, CellAction.CONTACT_ADDED, actor, contact.staff_name, contact=contact.pk,
                     designation=contact.designation)
    return contact


@transaction.atomic
def change_contact(contact, values, *, actor=None):
    contact = CellContact.objects.select_for_update().select_related("unit").get(pk=contact.pk)
    values = _cleaned(values)
    changed = [f for f in CONTACT_FIELDS if getattr(contact, f) != values[f]]
    if not changed:
        return contact
    for f in changed:
        setattr(contact, f, values[f])
    contact.full_clean()
    contact.save(update_fields=changed)
    CellEvent.record(contact.unit, CellAction.CONTACT_CHANGED, actor, contact.staff_name, contact=contact.pk,
                     fields=changed)
    return contact


@transaction.atomic
def remove_contact(contact, *, actor=None):
    CellEvent.record(contact.unit, CellAction.CONTACT_REMOVED, actor, contact.staff_name,
                     designation=contact.designation)
    contact.delete()


def contacts(unit):
    return unit.contacts.filter(is_active=True).order_by("staff_name", "pk")


@transaction.atomic
def confirm(unit, *, actor=None):
    """The cell says its list is current: who and when are the entry's."""
    count = contacts(unit).count()
    if not count:
        raise ValidationError(_("Add the cell's staff before confirming the list."), code="empty")
    return CellEvent.record(unit, CellAction.CONFIRMED, actor, unit.name_en, contacts=count)


def _latest(action, column):
    return Subquery(CellEvent.objects.filter(unit=OuterRef("pk"), action=action)
                    .order_by("-created_at", "-id").values(column)[:1])


SORTS = {
    "confirmed": (F("confirmed_at").asc(nulls_first=True), "name_en"),
    "-confirmed": (F("confirmed_at").desc(nulls_last=True), "name_en"),
    "name": ("name_en",),
    "type": ("unit_type", "name_en"),
    "contacts": ("contact_count", "name_en"),
    "chased": (F("chased_at").desc(nulls_last=True), "name_en"),
}


def directory(*, sort="confirmed", only_stale=False, now=None):
    """Every active unit with its contacts, its last confirmation (when, by whom), its last reminder, and
    whether it is stale (never confirmed, or longer ago than CELL_CONTACTS_STALE_DAYS)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=stale_days())
    qs = Unit.objects.active().select_related("parent").annotate(
        confirmed_at=_latest(CellAction.CONFIRMED, "created_at"),
        confirmed_by=_latest(CellAction.CONFIRMED, "actor_name"),
        chased_at=_latest(CellAction.CHASED, "created_at"),
        contact_count=Count("contacts", filter=Q(contacts__is_active=True)),
    ).prefetch_related(Prefetch("contacts", CellContact.objects.filter(is_active=True).order_by("staff_name", "pk"),
                                to_attr="current_contacts"))
    if only_stale:
        qs = qs.filter(Q(confirmed_at__isnull=True) | Q(confirmed_at__lt=cutoff))
    rows = list(qs.order_by(*SORTS.get(sort, SORTS["confirmed"])))
    for unit in rows:
        unit.is_stale = is_stale(unit.confirmed_at, now)
    return rows


def _reminder(unit, confirmed_at, page_url, language, show_time):
    with translation.override(language):
        name = unit.display_name(language)
        subject = _("Please confirm the social-media cell contacts of %(unit)s") % {"unit": name}
        if confirmed_at:
            said = _("HQ's directory shows the contacts of %(unit)s as last confirmed on %(date)s.") % {
                "unit": name, "date": show_time(confirmed_at)}
        else:
            said = _("HQ's directory shows the contacts of %(unit)s as never confirmed.") % {"unit": name}
        ask = _("Please check the staff names, CUG numbers, e-mails and shifts on the cell page, correct them, "
                "and confirm that the list is current.")
        return subject, "\n\n".join(p for p in (said, ask, page_url) if p)


def chase(unit, *, actor=None, page_url="", show_time=None):
    """A reminder to the unit's cell to confirm its contacts: e-mailed (in Hindi and English) to every
    contact with an e-mail, and recorded on the cell page with how it went. `show_time` writes a time for
    the reader's language (the dashboard passes its IST format)."""
    show_time = show_time or (lambda value: timezone.localtime(value).strftime("%d-%m-%Y %H:%M"))
    recipients = sorted({c.email for c in contacts(unit) if c.email})
    confirmed = CellEvent.objects.filter(unit=unit, action=CellAction.CONFIRMED).order_by("-created_at").first()
    confirmed_at = confirmed.created_at if confirmed else None
    sent, error = 0, ""
    if recipients:
        subject_hi, body_hi = _reminder(unit, confirmed_at, page_url, "hi", show_time)
        subject_en, body_en = _reminder(unit, confirmed_at, page_url, "en", show_time)
        try:
            sent = send_mail(f"{subject_hi} / {subject_en}", f"{body_hi}\n\n----\n\n{body_en}", None, recipients,
                             fail_silently=False)
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("Reminder to %s not sent: %s", unit.slug, exc)
            error = f"{type(exc).__name__}: {exc}"[:300]
    return CellEvent.record(unit, CellAction.CHASED, actor, unit.name_en, recipients=len(recipients),
                            sent=bool(sent), error=error)
