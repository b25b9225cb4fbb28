"""What a notification says: its subject and text, written when it is read or sent, in the language of
whoever reads it (the bell: the page's language; e-mail and other channels: the recipient's)."""

from datetime import date, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from complaints.dates import HINDI_MONTHS, ist
from districts.models import Unit

from . import roles
from .notification_models import NotificationKind

# The digest's sections, in the order they are read: a cell's (dashboard.digest.waiting), then an SP's
# (waiting_approval), then HQ's (waiting_forward); a digest holds only its own.
DIGEST_SECTIONS = ("overdue", "waiting_noted", "urgent", "reopen_requests", "with_approver",
                   "approval_overdue", "awaiting_approval", "forward_overdue")


def render(notification):
    """(subject, text) in the recipient's language, for e-mail and the other channels: the text ends with
    the address to open."""
    with translation.override(notification.language or settings.LANGUAGE_CODE):
        return describe(notification, with_link=True)


def describe(notification, with_link=False):
    """(subject, text) in the active language; on the bell's page the subject is the link."""
    if notification.kind == NotificationKind.DIGEST:
        return _digest(notification, with_link)
    return _escalation(notification, with_link)


def _for_approver(notification):
    return notification.kind == NotificationKind.DIGEST and notification.data.get("audience") == "approver"


def _for_hq(notification):
    return notification.kind == NotificationKind.DIGEST and notification.data.get("audience") == "hq"


def link(notification):
    """Where the bell's item leads: the complaint, or for a digest the cell's queue (the SP's approvals,
    HQ's inbox)."""
    if _for_approver(notification):
        return reverse("dashboard:approvals")
    if _for_hq(notification):
        return reverse("dashboard:inbox")
    if notification.kind == NotificationKind.DIGEST:
        return reverse("dashboard:queue")
    return reverse("dashboard:complaint", args=[notification.data.get("code", "")])


def _absolute(path):
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def _unit_name(unit_id):
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    return unit.display_name() if unit else "-"


def _when(value):
    return ist(parse_datetime(value)) if isinstance(value, str) else ist(value)


def _escalation(n, with_link):
    d = n.data
    params = {"code": d.get("code", ""), "unit": _unit_name(d.get("unit_id")), "cell": _unit_name(d.get("cell_id")),
              "deadline": _when(d.get("sla_due")), "due": _when(d.get("due")),
              "link": _absolute(link(n)), "approvals": _absolute(reverse("dashboard:approvals")),
              "inbox": _absolute(reverse("dashboard:inbox"))}
    if d.get("to_forward"):
        return _to_forward(d, params, with_link)
    if d.get("awaiting_approval"):
        # The cell has filed its report: what is late is the supervising officer's approval, and the text
        # says so to the SP (at the unit's level) and to every level above alike.
        subject = gettext("Escalated to %(unit)s: the report on complaint %(code)s awaits approval past its "
                          "deadline") % params
        lines = [gettext("Complaint %(code)s, with %(cell)s, was due by %(deadline)s. The cell's report on it "
                         "awaits the supervising officer's approval.") % params]
    else:
        subject = gettext("Escalated to %(unit)s: complaint %(code)s is past its deadline") % params
        lines = [gettext("Complaint %(code)s, with %(cell)s, was due by %(deadline)s and is still waiting.") % params]
    if d.get("top"):
        lines.append(gettext("It is now escalated to %(unit)s, the last level.") % params)
    else:
        lines.append(gettext("It is now escalated to %(unit)s. If it is still waiting at %(due)s, it goes to "
                             "the next level.") % params)
    if with_link:
        if d.get("awaiting_approval") and roles.is_approver(n.recipient):
            lines.append(gettext("Approve or return the report: %(approvals)s") % params)
        lines.append(gettext("Open the complaint: %(link)s") % params)
    return subject, "\n\n".join(lines)


def _to_forward(d, params, with_link):
    """HQ's forwarding ladder: a new complaint no unit has yet, waiting in HQ's inbox past the deadline."""
    if d.get("top"):
        subject = gettext("Still not forwarded: complaint %(code)s is past HQ's deadline to forward it") % params
        lines = [gettext("Complaint %(code)s was to be forwarded to a unit by %(deadline)s. HQ's cell was told, "
                         "and it still waits in HQ's inbox.") % params,
                 gettext("It is now escalated to HQ's supervisors, the last level.") % params]
    else:
        subject = gettext("Waiting to be forwarded: complaint %(code)s is past HQ's deadline to forward it") % params
        lines = [gettext("Complaint %(code)s was to be forwarded to a unit by %(deadline)s and still waits in "
                         "HQ's inbox.") % params,
                 gettext("If it is still not forwarded at %(due)s, HQ's supervisors are told.") % params]
    if with_link:
        lines.append(gettext("Forward it from HQ's inbox: %(inbox)s") % params)
        lines.append(gettext("Open the complaint: %(link)s") % params)
    return subject, "\n\n".join(lines)


def day_label(value):
    """'1 Dec 2026', in Hindi '1 दिसंबर 2026'."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.date()
    if (translation.get_language() or "").startswith("hi"):
        return f"{value.day} {HINDI_MONTHS[value.month - 1]} {value.year}"
    return date_format(value, "j M Y")


def _section_heading(section, n):
    if section == "overdue":
        return ngettext("%(n)s complaint is past its deadline:", "%(n)s complaints are past their deadline:",
                        n) % {"n": n}
    if section == "waiting_noted":
        return ngettext("%(n)s complaint waits for Noted:", "%(n)s complaints wait for Noted:", n) % {"n": n}
    if section == "urgent":
        return ngettext("%(n)s urgent complaint is open:", "%(n)s urgent complaints are open:", n) % {"n": n}
    if section == "reopen_requests":
        return ngettext("%(n)s request to reopen waits for a decision:",
                        "%(n)s requests to reopen wait for a decision:", n) % {"n": n}
    if section == "with_approver":
        return ngettext("%(n)s report waits for the supervising officer's approval:",
                        "%(n)s reports wait for the supervising officer's approval:", n) % {"n": n}
    if section == "approval_overdue":
        return ngettext("%(n)s report waits for your approval past the complaint's deadline:",
                        "%(n)s reports wait for your approval past the complaints' deadlines:", n) % {"n": n}
    if section == "forward_overdue":
        return ngettext("%(n)s new complaint waits to be forwarded past its deadline:",
                        "%(n)s new complaints wait to be forwarded past their deadline:", n) % {"n": n}
    return ngettext("%(n)s report waits for your approval:", "%(n)s reports wait for your approval:", n) % {"n": n}


def _digest(n, with_link):
    d = n.data
    params = {"unit": _unit_name(n.unit_id), "date": day_label(d.get("day")), "link": _absolute(link(n))}
    if _for_approver(n):
        subject = gettext("Reports awaiting your approval, %(unit)s, %(date)s") % params
    else:
        subject = gettext("What waits for %(unit)s on %(date)s") % params
    lines = []
    for section in DIGEST_SECTIONS:
        count = d.get("counts", {}).get(section, 0)
        if count:
            codes = d.get("codes", {}).get(section, [])
            more = count - len(codes)
            tail = " " + (ngettext("and %(n)s other", "and %(n)s others", more) % {"n": more}) if more > 0 else ""
            lines.append(_section_heading(section, count) + " " + ", ".join(codes) + tail)
    if with_link and _for_approver(n):
        lines.append(gettext("Reports to approve: %(link)s") % params)
    elif with_link and _for_hq(n):
        lines.append(gettext("HQ's inbox, to forward them: %(link)s") % params)
    elif with_link:
        lines.append(gettext("The queue: %(link)s") % params)
    return subject, "\n\n".join(lines)
