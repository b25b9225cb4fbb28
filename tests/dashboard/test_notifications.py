"""Escalation alerts and the morning digest reach people: bell items in the dashboard and e-mails received
by a real SMTP server on 127.0.0.1 (aiosmtpd), each in its recipient's language, never twice; the bell
counts unread items, marks them read and shows a login only its own items about complaints it may see."""

import email
import email.policy
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from complaints import escalation, lifecycle
from dashboard import digest, notify
from dashboard.notification_models import Delivery, Notification
from districts.models import CellContact, StaffProfile


class Inbox:
    """The SMTP server's handler: keeps every message it accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address):
        return [m for rcpts, m in self.messages if address in rcpts]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def _mail(user, address, language=""):
    user.email = address
    user.save()
    if language:
        StaffProfile.objects.filter(user=user).update(language=language)
    return user


def _body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.django_db
def test_each_step_mails_the_people_of_its_level_in_their_language_once(smtp, forwarded, meerut_cell,
                                                                        meerut_range):
    _mail(meerut_cell, "cell@meerut.example", "hi")
    _mail(meerut_range, "dig@meerut-range.example", "en")
    CellContact.objects.create(unit=meerut_cell.staff_profile.unit, staff_name="Constable on CUG",
                               email="contact@meerut.example")
    complaint = forwarded("meerut")
    now = complaint.sla_due_at + timedelta(minutes=1)

    escalation.climb(now=now)
    assert notify.deliver_pending()["sent"] == 4  # two people × (e-mail, console)
    [hindi] = smtp.to("cell@meerut.example")
    assert "मेरठ" in hindi["subject"] and complaint.tracking_code in hindi["subject"]
    assert complaint.tracking_code in _body(hindi) and "IST" in _body(hindi)
    [english] = smtp.to("contact@meerut.example")
    assert english["subject"] == f"Escalated to Meerut: complaint {complaint.tracking_code} is past its deadline"
    assert reverse("dashboard:complaint", args=[complaint.tracking_code]) in _body(english)
    assert smtp.to("dig@meerut-range.example") == []

    # Tried: the sweep and the sender again; the server receives nothing more.
    escalation.climb(now=now)
    assert notify.deliver_pending() == {"sent": 0, "retry": 0, "failed": 0}
    assert len(smtp.messages) == 2

    # The cell's hour runs out: the range's DIG is told, in English, and the cell is not told again.
    escalation.climb(now=now + timedelta(minutes=61))
    notify.deliver_pending()
    [dig] = smtp.to("dig@meerut-range.example")
    assert "Meerut Range" in dig["subject"]
    assert len(smtp.to("cell@meerut.example")) == 1


@pytest.mark.django_db
def test_an_smtp_server_that_is_down_is_tried_again_then_the_failure_is_kept(settings, forwarded, meerut_cell):
    _mail(meerut_cell, "cell@meerut.example")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 2
    complaint = forwarded("meerut")
    escalation.climb(now=complaint.sla_due_at + timedelta(minutes=1))
    mail = Delivery.objects.get(channel="email")
    for attempt in (1, 2):
        notify.deliver_pending()
        mail.refresh_from_db()
        assert (mail.status, mail.attempts) == ("pending", attempt)
        assert "Connection refused" in mail.last_error or "Errno" in mail.last_error
    notify.deliver_pending()
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("failed", 3)
    assert Delivery.objects.get(channel="console").status == "sent"


@pytest.mark.django_db
def test_a_restricted_complaint_is_told_only_to_those_who_may_see_it(smtp, forwarded, meerut_cell):
    _mail(meerut_cell, "cell@meerut.example")
    CellContact.objects.create(unit=meerut_cell.staff_profile.unit, staff_name="Contact",
                               email="contact@meerut.example")
    complaint = forwarded("meerut")
    lifecycle.set_restricted(complaint, True)
    escalation.climb(now=complaint.sla_due_at + timedelta(minutes=1))
    notify.deliver_pending()
    assert smtp.messages == []
    assert Notification.objects.count() == 0
    assert complaint.events.filter(action="escalation_step").count() == 1


@pytest.mark.django_db
def test_the_bell_counts_unread_and_marks_read(client_for, forwarded, meerut_cell):
    complaint = forwarded("meerut")
    escalation.climb(now=complaint.sla_due_at + timedelta(minutes=1))
    client = client_for(meerut_cell)
    page = client.get(reverse("dashboard:queue")).content.decode()
    assert 'id="bell-count">1<' in page

    listing = client.get(reverse("dashboard:notifications")).content.decode()
    assert complaint.tracking_code in listing and "unread" in listing
    item = Notification.objects.get(recipient=meerut_cell)
    opened = client.get(reverse("dashboard:notification_open", args=[item.pk]))
    assert opened.status_code == 302 and opened["Location"].endswith(f"/c/{complaint.tracking_code}/")
    item.refresh_from_db()
    assert item.read_at is not None
    assert 'id="bell-count"' not in client.get(reverse("dashboard:queue")).content.decode()


@pytest.mark.django_db
def test_mark_all_read_in_hindi(client_for, forwarded, meerut_cell):
    StaffProfile.objects.filter(user=meerut_cell).update(language="hi")
    for _ in range(2):
        c = forwarded("meerut")
        escalation.climb(now=c.sla_due_at + timedelta(minutes=1))
    client = client_for(meerut_cell, HTTP_ACCEPT_LANGUAGE="hi")
    client.cookies["django_language"] = "hi"
    listing = client.get(reverse("dashboard:notifications")).content.decode()
    assert "मेरठ" in listing
    client.post(reverse("dashboard:notifications_read"), {"all": "1"})
    assert notify.unread_count(meerut_cell) == 0


@pytest.mark.django_db
def test_a_district_sees_only_its_own_items(client_for, forwarded, meerut_cell, bareilly_cell):
    complaint = forwarded("meerut")
    escalation.climb(now=complaint.sla_due_at + timedelta(minutes=1))
    item = Notification.objects.get(recipient=meerut_cell)
    other = client_for(bareilly_cell)
    assert complaint.tracking_code not in other.get(reverse("dashboard:notifications")).content.decode()
    # Tried: opening and marking read Meerut's item from Bareilly's login: 404, and it stays unread.
    assert other.get(reverse("dashboard:notification_open", args=[item.pk])).status_code == 404
    other.post(reverse("dashboard:notifications_read"), {"id": [str(item.pk)]})
    item.refresh_from_db()
    assert item.read_at is None
    # Once the complaint is transferred away, Meerut's bell no longer shows it.
    lifecycle.transfer(complaint, "bareilly")
    assert notify.unread_count(meerut_cell) == 0


@pytest.mark.django_db
def test_the_morning_digest_goes_once_per_cell_per_day(smtp, forwarded, make_complaint, meerut_cell,
                                                       bareilly_cell):
    _mail(meerut_cell, "cell@meerut.example")
    _mail(bareilly_cell, "cell@bareilly.example", "hi")
    late = forwarded("meerut")
    waiting = forwarded("meerut")
    urgent = forwarded("meerut")
    lifecycle.set_priority(urgent, "urgent")
    hidden = forwarded("meerut")
    lifecycle.set_restricted(hidden, True)
    now = late.sla_due_at + timedelta(minutes=1)

    assert digest.send_morning(now=now) == 1  # Bareilly has nothing waiting: no digest
    assert digest.send_morning(now=now + timedelta(hours=2)) == 0  # Tried: the same day again
    notify.deliver_pending()
    [mail] = smtp.to("cell@meerut.example")
    body = _body(mail)
    assert mail["subject"].startswith("What waits for Meerut on ")
    for code in (late.tracking_code, waiting.tracking_code, urgent.tracking_code):
        assert code in body
    assert hidden.tracking_code not in body
    assert "1 urgent complaint is open:" in body
    assert smtp.to("cell@bareilly.example") == []

    # The next morning it comes again.
    assert digest.send_morning(now=now + timedelta(days=1)) == 1
    notify.deliver_pending()
    assert len(smtp.to("cell@meerut.example")) == 2


@pytest.mark.django_db
def test_hq_sees_who_was_told_in_the_admin(client_for, forwarded, meerut_cell, hq):
    complaint = forwarded("meerut")
    escalation.climb(now=complaint.sla_due_at + timedelta(minutes=1))
    client = client_for(hq)
    listing = client.get(reverse("admin:dashboard_notification_changelist"), {"q": complaint.tracking_code})
    assert listing.status_code == 200 and "meerut-cell" in listing.content.decode()
    item = Notification.objects.get(recipient=meerut_cell)
    assert client.get(reverse("admin:dashboard_notification_change", args=[item.pk])).status_code == 200
    # Tried: changing or deleting an alert from the admin; both are refused.
    assert client.post(reverse("admin:dashboard_notification_delete", args=[item.pk]), {"post": "yes"}).status_code == 403
    assert Notification.objects.filter(pk=item.pk).exists()
