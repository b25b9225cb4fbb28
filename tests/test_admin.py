"""HQ's admin: lists, search and filters work; actions go through the lifecycle; the audit trail is
read-only; a district login sees only its own complaints there too."""

import pytest
from django.urls import reverse

from complaints.models import Complaint, Event, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def hq_client(client, hq):
    client.force_login(hq)
    return client


def test_changelist_search_and_filters(hq_client, make_complaint, forwarded):
    c = make_complaint(text="Hazratganj mein chain snatching")
    forwarded("meerut")
    url = reverse("admin:complaints_complaint_changelist")
    assert hq_client.get(url).status_code == 200
    page = hq_client.get(url, {"q": c.tracking_code})
    assert c.tracking_code in page.content.decode()
    assert hq_client.get(url, {"status__exact": "forwarded"}).status_code == 200
    assert hq_client.get(url, {"q": "Hazratganj"}).content.decode().count(c.tracking_code) >= 1


def test_change_page_shows_thread_and_events_read_only(hq_client, forwarded):
    c = forwarded("meerut")
    page = hq_client.get(reverse("admin:complaints_complaint_change", args=[c.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "forward" in body
    assert 'name="events-0-note"' not in body  # inline rows are not editable


def test_forward_action_goes_through_the_lifecycle(hq_client, make_complaint, unit, hq):
    c = make_complaint()
    resp = hq_client.post(reverse("admin:complaints_complaint_changelist"), {
        "action": "forward_action", "_selected_action": [c.pk], "unit": unit("meerut").pk,
    })
    assert resp.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.FORWARDED and c.unit.slug == "meerut"
    assert c.events.filter(action="forward", actor=hq).exists()


def test_illegal_action_is_reported_and_changes_nothing(hq_client, make_complaint):
    c = make_complaint()
    resp = hq_client.post(reverse("admin:complaints_complaint_changelist"), {
        "action": "resolve_action", "_selected_action": [c.pk], "text": "done",
    }, follow=True)
    assert "Cannot resolve" in resp.content.decode()
    c.refresh_from_db()
    assert c.status == Status.NEW and c.events.count() == 1


def test_merge_and_note_actions(hq_client, make_complaint, forwarded):
    a, b = make_complaint(), make_complaint()
    url = reverse("admin:complaints_complaint_changelist")
    hq_client.post(url, {"action": "merge_action", "_selected_action": [b.pk], "into": a.tracking_code.lower()})
    b.refresh_from_db()
    assert b.status == Status.DUPLICATE and b.duplicate_of == a
    f = forwarded("meerut")
    hq_client.post(url, {"action": "note_action", "_selected_action": [f.pk]})
    f.refresh_from_db()
    assert f.status == Status.NOTED and f.noted_by.slug == "meerut"


def test_manual_add_files_through_the_lifecycle(hq_client):
    resp = hq_client.post(reverse("admin:complaints_complaint_add"), {
        "channel": "phone", "text": "Phone: neighbour threatening with a stick", "priority": "high",
        "source_tweet_id": "", "author_username": "", "author_name": "Sita", "author_contact": "",
        "language": "en", "tweeted_at_0": "", "tweeted_at_1": "", "category": "",
    })
    assert resp.status_code == 302, resp.content.decode()[:2000]
    c = Complaint.objects.get()
    assert c.tracking_code.startswith("UPP-") and c.events.get().action == "file"


def test_events_admin_is_read_only(hq_client, make_complaint):
    c = make_complaint()
    event = c.events.get()
    assert hq_client.get(reverse("admin:complaints_event_changelist")).status_code == 200
    assert hq_client.post(reverse("admin:complaints_event_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert hq_client.get(reverse("admin:complaints_event_add")).status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_complaints_cannot_be_deleted_in_admin(hq_client, make_complaint):
    c = make_complaint()
    resp = hq_client.post(reverse("admin:complaints_complaint_delete", args=[c.pk]), {"post": "yes"})
    assert resp.status_code == 403
    assert Complaint.objects.filter(pk=c.pk).exists()


def test_district_login_sees_only_its_own_in_admin(client, meerut_cell, forwarded):
    mine, theirs = forwarded("meerut"), forwarded("bareilly")
    meerut_cell.is_staff = True
    meerut_cell.save()



    client.force_login(meerut_cell)
    body = client.get(reverse("admin:complaints_complaint_changelist")).content.decode()
    assert mine.tracking_code in body and theirs.tracking_code not in body
    assert client.get(reverse("admin:complaints_complaint_change", args=[theirs.pk])).status_code in (302, 404)


def test_unit_admin_pages(hq_client, unit):
    assert hq_client.get(reverse("admin:districts_unit_changelist"), {"q": "Meerut"}).status_code == 200
    assert hq_client.get(reverse("admin:districts_unit_change", args=[unit("lucknow-commissionerate").pk])).status_code == 200
    for name in ("xaccount", "policestation", "cellcontact", "staffprofile"):
        assert hq_client.get(reverse(f"admin:districts_{name}_changelist")).status_code == 200
    assert hq_client.get(reverse("admin:complaints_category_changelist")).status_code == 200
