"""A new complaint past HQ's deadline to forward it reaches people: on a moving clock HQ's cell (its operators'
logins and the contacts HQ keeps for itself) is told once by bell and e-mail through a real SMTP server on
loopback, in words that say it waits to be forwarded, with HQ's inbox to open; if it is still not forwarded
when the cell's step runs out, HQ's supervisors are told once; after forwarding nobody at HQ hears of it again;
nobody is told anything twice. HQ's morning digest lists the new complaints waiting past the deadline."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from complaints import escalation, lifecycle
from complaints.models import Complaint, EscalationStep, Event, Status
from dashboard import digest, notify
from dashboard.notification_models import Notification
from districts.models import CellContact, Role

from ..conftest import _persona
from .test_escalation_approval import _breaches, _paragraphs, _told
from .test_notifications import _body, _mail, smtp  # noqa: F401  (smtp: the loopback server fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hq_people(hq, hq_operator, meerut_cell, unit):
    """HQ's cell (an operator's login, a contact without one), HQ's supervisor, and Meerut's cell, with addresses."""
    _mail(hq_operator, "operator@hq.example")
    _mail(hq, "supervisor@hq.example")
    _mail(meerut_cell, "cell@meerut.example")
    CellContact.objects.create(unit=unit("up-police"), staff_name="HQ cell constable", email="contact@hq.example")
    # A state-level officer of a unit role cannot see a complaint no unit has: never told.
    state_sp = _mail(_persona("state-sp", "up-police", Role.APPROVER), "approver@hq.example")
    return {"operator": hq_operator, "supervisor": hq, "cell": meerut_cell, "state_sp": state_sp}


def _mails(smtp):  # noqa: F811
    return {address: len(smtp.to(address)) for address in (
        "operator@hq.example", "contact@hq.example", "supervisor@hq.example", "cell@meerut.example",
        "approver@hq.example")}


def test_hqs_cell_then_its_supervisors_are_told_once_each_on_a_moving_clock(smtp, make_complaint, hq_people,  # noqa: F811
                                                                            client):
    c = make_complaint()
    code = c.tracking_code
    breaches_before = _breaches(client)

    # Tried: a minute before the deadline nothing happens.
    assert escalation.climb(now=c.sla_due_at - timedelta(minutes=1)) == []
    assert Notification.objects.count() == 0

    # A minute after it, HQ's cell is told: the operator and HQ's own contact, by bell and e-mail.
    now = c.sla_due_at + timedelta(minutes=1)
    [step] = escalation.climb(now=now)
    assert (step.data["level"], step.data["unit"], step.data["breach"], step.to_status) == (
        "hq_cell", "up-police", True, "new")
    c.refresh_from_db()
    assert (c.escalation_level, c.escalation_due_at, c.escalated_at) == ("hq_cell", now + timedelta(minutes=60), now)
    assert not c.events.filter(action="escalated").exists()  # the step is the mark: no second entry
    notify.deliver_pending()
    assert _mails(smtp) == {"operator@hq.example": 1, "contact@hq.example": 1, "supervisor@hq.example": 0,
                            "cell@meerut.example": 0, "approver@hq.example": 0}
    [mail] = smtp.to("operator@hq.example")
    assert mail["subject"] == f"Waiting to be forwarded: complaint {code} is past HQ's deadline to forward it"
    body = _body(mail)
    assert "still waits in HQ's inbox" in body and "HQ's supervisors are told" in body
    [to_inbox] = [p for p in _paragraphs(body) if p.startswith("Forward it from HQ's inbox: ")]
    assert to_inbox.endswith(reverse("dashboard:inbox"))
    assert reverse("dashboard:complaint", args=[code]) in body
    # The operator's bell has it; the complaint page names the level and when the supervisors are told.
    operator = Client()
    operator.force_login(hq_people["operator"])
    listing = operator.get(reverse("dashboard:notifications")).content.decode()
    assert code in listing and "Waiting to be forwarded" in listing
    page = operator.get(reverse("dashboard:complaint", args=[code])).content.decode()
    assert "HQ&#x27;s cell (to forward)" in page and "the next level is told at" in page
    assert page.count("Past the deadline for forwarding.") == 1 and "Told: HQ&#x27;s cell" in page

    # Tried: the same run again, and half-way through the cell's hour: nothing more.
    assert escalation.climb(now=now) == []
    assert escalation.climb(now=now + timedelta(minutes=30)) == []
    assert notify.deliver_pending() == {"sent": 0, "retry": 0, "failed": 0}

    # The cell's hour runs out and it still waits: HQ's supervisor is told, the top.
    now += timedelta(minutes=61)
    [step] = escalation.climb(now=now)
    assert (step.data["level"], step.data["breach"]) == ("hq_super", False)
    notify.deliver_pending()
    assert _mails(smtp) == {"operator@hq.example": 1, "contact@hq.example": 1, "supervisor@hq.example": 1,
                            "cell@meerut.example": 0, "approver@hq.example": 0}
    [sup] = smtp.to("supervisor@hq.example")
    assert sup["subject"] == f"Still not forwarded: complaint {code} is past HQ's deadline to forward it"
    assert "HQ's cell was told" in _body(sup) and "the last level" in _body(sup)
    assert reverse("dashboard:inbox") in _body(sup)
    assert (_told(hq_people["operator"]), _told(hq_people["supervisor"])) == (1, 1)

    # The top: a day later nothing climbs and nobody is told anything more.
    assert escalation.climb(now=now + timedelta(days=1)) == []
    assert notify.deliver_pending() == {"sent": 0, "retry": 0, "failed": 0}

    # Forwarded at last: the unit's own clock; when it runs out the unit's cell is told, nobody at HQ.
    c = lifecycle.forward(Complaint.objects.get(pk=c.pk), hq_people["cell"].staff_profile.unit,
                          actor=hq_people["operator"], at=now + timedelta(days=1))
    assert (c.status, c.escalation_level) == (Status.FORWARDED, "")
    assert escalation.climb(now=now + timedelta(days=1, minutes=5)) == []
    [step] = escalation.climb(now=c.sla_due_at + timedelta(minutes=1))
    assert step.data["level"] == "cell"
    notify.deliver_pending()
    assert _mails(smtp) == {"operator@hq.example": 1, "contact@hq.example": 1, "supervisor@hq.example": 1,
                            "cell@meerut.example": 1, "approver@hq.example": 0}

    # Two missed deadlines (forwarding, then Noted): two breaches in /metrics, each counted once.
    assert _breaches(client) - breaches_before == 2


def test_forwarded_before_the_cells_time_runs_out_the_supervisors_are_never_told(smtp, make_complaint, hq_people,  # noqa: F811
                                                                                   unit):
    c = make_complaint()
    now = c.sla_due_at + timedelta(minutes=1)
    assert [s.data["level"] for s in escalation.climb(now=now)] == ["hq_cell"]
    lifecycle.forward(Complaint.objects.get(pk=c.pk), unit("meerut"), actor=hq_people["operator"],
                      at=now + timedelta(minutes=20))
    # Tried: long after the cell's hour, before the unit's own deadline: nothing at all.
    later = Complaint.objects.get(pk=c.pk).sla_due_at - timedelta(minutes=1)
    assert later > now + timedelta(minutes=61)
    assert escalation.climb(now=now + timedelta(minutes=61)) == []
    assert escalation.climb(now=later) == []
    notify.deliver_pending()
    assert _mails(smtp)["supervisor@hq.example"] == 0 and _told(hq_people["supervisor"]) == 0
    assert _mails(smtp)["operator@hq.example"] == 1


def test_a_step_chosen_before_forwarding_is_not_taken_after_it(make_complaint, unit, hq_operator):
    """A worker that read the complaint as new while HQ forwarded it writes nothing once it holds the row."""
    c = make_complaint()
    now = c.sla_due_at + timedelta(days=1)  # past the forwarding deadline and the unit's Noted one alike
    stale = Complaint.objects.get(pk=c.pk)
    lifecycle.forward(c, unit("meerut"), at=c.sla_due_at + timedelta(minutes=5))
    assert lifecycle.escalate(stale, from_level="", to_level="hq_cell", unit=escalation.hq_unit(),
                              due_at=now + timedelta(hours=1), actor=escalation.ACTOR, at=now,
                              status=Status.NEW) is None
    assert not Event.objects.filter(complaint=c, action="escalation_step").exists()
    assert Notification.objects.filter(recipient=hq_operator).count() == 0


def test_nobody_twice_one_address_for_a_login_and_a_contact_and_a_second_worker(smtp, make_complaint, hq_operator,  # noqa: F811
                                                                                 unit):
    _mail(hq_operator, "desk@hq.example")
    CellContact.objects.create(unit=unit("up-police"), staff_name="The same operator", email="DESK@hq.example")
    first, second = make_complaint(), make_complaint()
    now = max(first.sla_due_at, second.sla_due_at) + timedelta(minutes=1)
    assert len(escalation.climb(now=now)) == 2
    # Tried: a second worker at once (the steps it would take were taken) and the sender twice.
    assert escalation.climb_forwarding(now=now) == []
    notify.deliver_pending()
    notify.deliver_pending()
    subjects = sorted(m["subject"] for m in smtp.to("desk@hq.example"))
    assert len(subjects) == 2 and len(smtp.messages) == 2  # one per complaint, not one per way of reaching her
    assert first.tracking_code in " ".join(subjects) and second.tracking_code in " ".join(subjects)


def test_hqs_minutes_come_from_the_admin_rows(make_complaint, hq):
    EscalationStep.objects.filter(level="hq_cell").update(minutes=15)
    c = make_complaint()
    now = c.sla_due_at + timedelta(minutes=1)
    escalation.climb(now=now)
    assert escalation.climb(now=now + timedelta(minutes=14)) == []
    [step] = escalation.climb(now=now + timedelta(minutes=16))
    assert step.data["level"] == "hq_super" and _told(hq) == 1


def test_a_restricted_new_complaint_goes_to_hqs_supervisors_at_once_and_to_no_contact(smtp, make_complaint,  # noqa: F811
                                                                                     hq_people):
    c = lifecycle.set_restricted(make_complaint(), True)
    now = c.sla_due_at + timedelta(minutes=1)
    escalation.climb(now=now)
    notify.deliver_pending()
    # HQ's operators may not see it; its supervisors, who may, are told at the cell's step already.
    assert _mails(smtp) == {"operator@hq.example": 0, "contact@hq.example": 0, "supervisor@hq.example": 1,
                            "cell@meerut.example": 0, "approver@hq.example": 0}
    # Their own step is taken, and tells them nothing twice.
    [step] = escalation.climb(now=now + timedelta(minutes=61))
    assert step.data["level"] == "hq_super"
    notify.deliver_pending()
    assert _mails(smtp) == {"operator@hq.example": 0, "contact@hq.example": 0, "supervisor@hq.example": 1,
                            "cell@meerut.example": 0, "approver@hq.example": 0}
    assert _told(hq_people["supervisor"]) == 1


def test_hqs_morning_digest_lists_the_new_complaints_waiting_past_the_deadline(smtp, make_complaint, forwarded,  # noqa: F811
                                                                               hq_people, unit):
    late, other_late = make_complaint(), make_complaint()
    hidden = lifecycle.set_restricted(make_complaint(), True)
    routed = forwarded("meerut")
    now = max(late.sla_due_at, other_late.sla_due_at, hidden.sla_due_at) + timedelta(minutes=1)
    lifecycle.forward(Complaint.objects.get(pk=other_late.pk), unit("agra"), at=now - timedelta(seconds=30))
    fresh = make_complaint()
    Complaint.objects.filter(pk=fresh.pk).update(sla_due_at=now + timedelta(days=2))  # still in time

    made = digest.send_morning(now=now)
    assert digest.send_morning(now=now + timedelta(hours=1)) == 0  # Tried: the same day again
    notify.deliver_pending()
    [mail] = smtp.to("operator@hq.example")
    [contact_mail] = smtp.to("contact@hq.example")
    assert late.tracking_code in _body(contact_mail) and routed.tracking_code not in _body(contact_mail)
    assert smtp.to("supervisor@hq.example") == [] and smtp.to("approver@hq.example") == []
    body = _body(mail)
    assert mail["subject"].startswith("What waits for ")
    [line] = [p for p in _paragraphs(body) if "waits to be forwarded past its deadline" in p]
    assert line.startswith("1 new complaint") and late.tracking_code in line
    for code in (other_late.tracking_code, hidden.tracking_code, routed.tracking_code, fresh.tracking_code):
        assert code not in body
    assert reverse("dashboard:inbox") in body
    # The bell's item leads to the inbox; HQ's contacts are not sent a cell's digest of the whole state.
    item = Notification.objects.get(recipient=hq_people["operator"])
    operator = Client()
    operator.force_login(hq_people["operator"])
    assert operator.get(reverse("dashboard:notification_open", args=[item.pk]))["Location"].endswith(
        reverse("dashboard:inbox"))
    assert Notification.objects.filter(email="contact@hq.example").count() == 1
    assert made == Notification.objects.count()
    # Forwarded by the next morning: nothing waits for HQ, no digest for it (Meerut's cell gets its own).
    lifecycle.forward(Complaint.objects.get(pk=late.pk), unit("meerut"), at=now + timedelta(hours=2))
    digest.send_morning(now=now + timedelta(days=1))
    assert Notification.objects.filter(unit__slug="up-police").count() == 2
