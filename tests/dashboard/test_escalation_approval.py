"""A report waiting for the SP's approval is late on the SP's part: on a moving clock, the ladder's step at the
unit's level tells the unit's supervising officer (bell and e-mail through a real SMTP server on loopback),
not the cell, in words that say the report awaits approval; the levels above read the same; and when the
ladder starts again for the same missed deadline (the SP returns the report, the cell files it again) nobody
is told what they were told already. The ladder is the one deadline watch: one timeline entry and one breach
per missed deadline, where the old SLA sweep wrote a second. The SP's morning digest lists what waits."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from complaints import escalation, lifecycle
from complaints.models import Complaint, Event, Status
from dashboard import digest, notify
from dashboard.notification_models import Notification
from districts.models import CellContact, Role

from ..conftest import _persona
from .test_notifications import Inbox, _body, _mail, smtp  # noqa: F401  (smtp: the loopback server fixture)

pytestmark = pytest.mark.django_db

REPORT = "SI Ramesh Yadav enquired at the spot; the music system was seized and the owner warned."


@pytest.fixture
def meerut_sp(db):
    return _persona("meerut-sp", "meerut", Role.APPROVER)


@pytest.fixture
def approval_on(unit):
    meerut = unit("meerut")
    meerut.reports_need_approval = True
    meerut.save()
    return meerut


@pytest.fixture
def waiting(forwarded, meerut_cell, approval_on):
    """A complaint whose cell has filed its report, now waiting for Meerut's SP."""
    c = lifecycle.note(forwarded("meerut"), actor=meerut_cell)
    c = lifecycle.report(c, REPORT, actor=meerut_cell)
    assert c.status == Status.AWAITING_APPROVAL
    return c


def _paragraphs(text):
    return [p.strip() for p in re.split(r"\r?\n\s*\r?\n", text) if p.strip()]


def _told(user):
    return Notification.objects.filter(recipient=user).count()


def _breaches(client):
    text = client.get("/metrics").content.decode()
    return int(next(line for line in text.splitlines() if line.startswith("seva_sla_breaches_total ")).split()[1])


def test_the_sp_is_told_not_the_cell_and_nobody_twice_on_a_moving_clock(smtp, waiting, meerut_cell, meerut_sp,  # noqa: F811
                                                                        meerut_range, client):
    _mail(meerut_sp, "sp@meerut.example")
    _mail(meerut_cell, "cell@meerut.example")
    _mail(meerut_range, "dig@meerut-range.example")
    CellContact.objects.create(unit=waiting.unit, staff_name="Constable on CUG", email="contact@meerut.example")
    code = waiting.tracking_code
    breaches_before = _breaches(client)

    # Tried: a minute before the deadline nothing happens; a minute after, the unit's step.
    assert escalation.climb(now=waiting.sla_due_at - timedelta(minutes=1)) == []
    now = waiting.sla_due_at + timedelta(minutes=1)
    [step] = escalation.climb(now=now)
    assert (step.data["level"], step.data["breach"], step.to_status) == ("cell", True, "awaiting_approval")
    assert (_told(meerut_sp), _told(meerut_cell)) == (1, 0)
    notify.deliver_pending()
    [mail] = smtp.to("sp@meerut.example")
    assert mail["subject"] == f"Escalated to Meerut: the report on complaint {code} awaits approval past its deadline"
    body = _body(mail)
    assert "awaits the supervising officer's approval" in body and reverse("dashboard:approvals") in body
    # The cell filed its report; neither its login nor its contacts are told the SP is late.
    assert smtp.to("cell@meerut.example") == [] and smtp.to("contact@meerut.example") == []
    # The SP's bell has it, in the same words, and the complaint page names the SP's level.
    sp_client = Client()
    sp_client.force_login(meerut_sp)
    listing = sp_client.get(reverse("dashboard:notifications")).content.decode()
    assert code in listing and "awaits approval" in listing
    page = sp_client.get(reverse("dashboard:complaint", args=[code])).content.decode()
    assert "The unit's supervising officer (the report awaits approval)" in page

    # Tried: the same run again, and half-way through the step: nothing more.
    assert escalation.climb(now=now) == []
    assert escalation.climb(now=now + timedelta(minutes=30)) == []

    # The SP's hour runs out: the range is told, in the same words; the SP is not told again.
    now += timedelta(minutes=61)
    [step] = escalation.climb(now=now)
    assert step.data["level"] == "range" and step.data["breach"] is False
    notify.deliver_pending()
    [dig] = smtp.to("dig@meerut-range.example")
    assert "Meerut Range" in dig["subject"] and "awaits approval" in dig["subject"]
    assert "Approve or return" not in _body(dig)  # the DIG cannot approve: no such line for them
    assert (_told(meerut_sp), _told(meerut_cell), _told(meerut_range)) == (1, 0, 1)

    # The SP returns the report: it is the cell's again, and a new ladder tells the cell, in the usual words.
    c = lifecycle.return_report(Complaint.objects.get(pk=waiting.pk), "Name the witnesses.", actor=meerut_sp)
    assert (c.status, c.escalation_level) == (Status.IN_PROGRESS, "")
    now += timedelta(minutes=5)
    [step] = escalation.climb(now=now)
    assert (step.data["level"], step.data["breach"]) == ("cell", False)
    notify.deliver_pending()
    [cell_mail] = smtp.to("cell@meerut.example")
    assert cell_mail["subject"] == f"Escalated to Meerut: complaint {code} is past its deadline"
    assert (_told(meerut_sp), _told(meerut_cell)) == (1, 1)

    # The cell files it again: the ladder starts again for the same missed deadline, and climbs to the range;
    # the SP and the DIG were told this already, so nobody is told anything.
    c = lifecycle.report(Complaint.objects.get(pk=waiting.pk), REPORT + " Witnesses: Ram, Shyam.", actor=meerut_cell)
    assert c.status == Status.AWAITING_APPROVAL
    alerts = Notification.objects.count()
    now += timedelta(minutes=5)
    assert [s.data["level"] for s in escalation.climb(now=now)] == ["cell"]
    now += timedelta(minutes=61)
    assert [s.data["level"] for s in escalation.climb(now=now)] == ["range"]
    assert Notification.objects.count() == alerts
    assert notify.deliver_pending() == {"sent": 0, "retry": 0, "failed": 0}
    assert (len(smtp.to("sp@meerut.example")), len(smtp.to("dig@meerut-range.example"))) == (1, 1)

    # One missed deadline: one breach in the metrics, and no second "escalated" entry beside the ladder's.
    assert _breaches(client) - breaches_before == 1
    assert not Event.objects.filter(complaint=waiting, action="escalated").exists()
    page = sp_client.get(reverse("dashboard:complaint", args=[code])).content.decode()
    assert page.count("Past the deadline for resolution.") == 1
    assert "The report waits for the approval of the supervising officer of Meerut" in page


def test_without_an_sp_login_the_cell_is_told_that_the_report_awaits_approval(smtp, waiting, meerut_cell):  # noqa: F811
    _mail(meerut_cell, "cell@meerut.example")
    escalation.climb(now=waiting.sla_due_at + timedelta(minutes=1))
    notify.deliver_pending()
    [mail] = smtp.to("cell@meerut.example")
    assert "awaits approval" in mail["subject"]
    assert "Approve or return" not in _body(mail)  # the cell cannot approve; it can take it to the SP


def test_an_sp_of_another_district_and_an_inactive_sp_are_not_told(waiting, meerut_sp, meerut_cell):
    bareilly_sp = _persona("bareilly-sp", "bareilly", Role.APPROVER)
    meerut_sp.is_active = False
    meerut_sp.save()
    escalation.climb(now=waiting.sla_due_at + timedelta(minutes=1))
    # No SP who may act is left: the cell is told instead; Bareilly's SP never.
    assert (_told(meerut_sp), _told(bareilly_sp), _told(meerut_cell)) == (0, 0, 1)


def test_the_sps_morning_digest_lists_the_reports_waiting_for_them(smtp, waiting, forwarded, meerut_cell,  # noqa: F811
                                                                   meerut_sp, bareilly_cell):
    _mail(meerut_sp, "sp@meerut.example", "hi")
    _mail(meerut_cell, "cell@meerut.example")
    fresh = lifecycle.report(lifecycle.note(forwarded("meerut"), actor=meerut_cell), REPORT, actor=meerut_cell)
    late_other = forwarded("meerut")  # waits for Noted: the cell's business, not the SP's
    now = waiting.sla_due_at + timedelta(minutes=1)
    # `fresh` was filed later, so its deadline may fall after `now` or not: make it later for certain.
    Complaint.objects.filter(pk=fresh.pk).update(sla_due_at=now + timedelta(days=1))

    assert digest.send_morning(now=now) == 2  # the cell's and the SP's
    assert digest.send_morning(now=now + timedelta(hours=1)) == 0  # Tried: the same day again
    notify.deliver_pending()
    [sp_mail] = smtp.to("sp@meerut.example")
    body = _body(sp_mail)
    assert "मेरठ" in sp_mail["subject"]  # the SP reads in Hindi: the unit's Hindi name
    overdue_line = next(line for line in _paragraphs(body) if waiting.tracking_code in line)
    assert fresh.tracking_code not in overdue_line and overdue_line.startswith("1 ")
    assert fresh.tracking_code in body and late_other.tracking_code not in body
    assert reverse("dashboard:approvals") in body
    item = Notification.objects.get(recipient=meerut_sp)
    sp_client = Client()
    sp_client.force_login(meerut_sp)
    opened = sp_client.get(reverse("dashboard:notification_open", args=[item.pk]))
    assert opened["Location"].endswith(reverse("dashboard:approvals"))

    # The cell's digest lists them apart, as waiting for the SP, not among its own overdue complaints.
    [cell_mail] = smtp.to("cell@meerut.example")
    lines = _paragraphs(_body(cell_mail))
    [with_sp] = [line for line in lines if line.startswith("2 reports wait for the supervising officer")]
    assert waiting.tracking_code in with_sp and fresh.tracking_code in with_sp
    [overdue] = [line for line in lines if "past their deadline" in line or "past its deadline" in line]
    assert waiting.tracking_code not in overdue and late_other.tracking_code in overdue
