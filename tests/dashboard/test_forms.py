"""Bad input on the dashboard's forms: a message next to the field, nothing changed; stale forms; CSRF."""

import pytest
from django.urls import reverse

from complaints import lifecycle
from complaints.models import Channel, Complaint, Event, Status
from dashboard.models import CannedReply


def act(client, complaint, action, **data):
    data.setdefault("version", complaint.version)
    return client.post(reverse("dashboard:act", args=[complaint.tracking_code, action]), data)


def unchanged(complaint):
    fresh = Complaint.objects.get(pk=complaint.pk)
    return fresh.version == complaint.version and fresh.status == complaint.status


@pytest.fixture
def noted(meerut_complaint, meerut_cell):
    return lifecycle.note(meerut_complaint, actor=meerut_cell)


@pytest.fixture
def resolved(noted, meerut_cell):
    return lifecycle.resolve(lifecycle.report(noted, "Done", actor=meerut_cell), actor=meerut_cell)


@pytest.mark.parametrize("state,action,data,field,message", [
    ("noted", "report", {"text": "x" * 281}, "text", "at most 280"),
    ("noted", "report", {"text": ""}, "text", "required"),
    ("resolved", "close", {"outcome": "fir", "fir_number": ""}, "fir_number", "FIR number"),
    ("resolved", "close", {"outcome": "bogus"}, "outcome", "valid choice"),
    ("noted", "assign_station", {"police_station": "999999"}, "police_station", "valid choice"),
    ("noted", "set_category", {"category": "no-such-class"}, "category", "valid choice"),
    ("noted", "request_transfer", {"reason": ""}, "reason", "required"),
])
def test_bad_values_are_refused_next_to_the_field(request, client_for, meerut_cell, state, action, data, field,
                                                  message):
    noted = request.getfixturevalue(state)
    response = act(client_for(meerut_cell), noted, action, **data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="field has-error"' in body and message in body
    assert unchanged(noted)


def test_report_over_280_after_cleaning_is_refused_by_the_server(client_for, meerut_cell, noted):
    # 280 characters plus a NUL passes the form's length check only if counted wrongly; the lifecycle checks too.
    response = act(client_for(meerut_cell), noted, "report", text="क" * 280)
    assert response.status_code == 302
    assert Complaint.objects.get(pk=noted.pk).action_taken_report == "क" * 280


def test_resolving_without_a_report_is_refused(client_for, meerut_cell, noted, unit):
    station = unit("meerut").stations.first()
    if station is None:
        from districts.models import PoliceStation
        station = PoliceStation.objects.create(unit=unit("meerut"), name_en="Civil Lines")
    complaint = lifecycle.assign_station(noted, station, actor=meerut_cell)
    response = act(client_for(meerut_cell), complaint, "resolve")
    assert response.status_code == 400
    assert "Add the action-taken report before resolving" in response.content.decode()
    assert unchanged(complaint)


def test_illegal_transition_message_at_the_top(client_for, hq, noted):
    response = act(client_for(hq), noted, "reject", reason="spam")
    assert response.status_code == 400
    assert 'id="top-error"' in response.content.decode()
    assert unchanged(noted)


def test_stale_form_says_changed_meanwhile(client_for, meerut_cell, hq, meerut_complaint):
    old_version = meerut_complaint.version
    lifecycle.set_priority(meerut_complaint, "high", actor=hq)  # someone else acts first
    response = act(client_for(meerut_cell), meerut_complaint, "note", version=old_version)
    assert response.status_code == 409
    assert "changed meanwhile" in response.content.decode()
    fresh = Complaint.objects.get(pk=meerut_complaint.pk)
    assert fresh.status == Status.FORWARDED and not fresh.events.filter(action="note").exists()


def test_missing_version_is_refused(client_for, meerut_cell, meerut_complaint):
    response = client_for(meerut_cell).post(reverse("dashboard:act", args=[meerut_complaint.tracking_code, "note"]))
    assert response.status_code == 400
    assert unchanged(meerut_complaint)


def test_csrf_is_enforced(client_for, meerut_cell, meerut_complaint):
    client = client_for(meerut_cell, enforce_csrf_checks=True)
    response = act(client, meerut_complaint, "note")
    assert response.status_code == 403
    assert unchanged(meerut_complaint)
    # With the token from the page the same post works.
    page = client.get(reverse("dashboard:complaint", args=[meerut_complaint.tracking_code]))
    token = page.context["csrf_token"]
    response = act(client, meerut_complaint, "note", csrfmiddlewaretoken=str(token))
    assert response.status_code == 302
    assert Complaint.objects.get(pk=meerut_complaint.pk).status == Status.NOTED


def test_next_parameter_cannot_redirect_off_site(client_for, meerut_cell, meerut_complaint):
    response = act(client_for(meerut_cell), meerut_complaint, "note", next="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == f"/c/{meerut_complaint.tracking_code}/"


def test_close_with_fir_and_outcome(client_for, meerut_cell, noted):
    client = client_for(meerut_cell)
    c = lifecycle.report(noted, "FIR likhi gayi", actor=meerut_cell)
    c = lifecycle.resolve(c, actor=meerut_cell)
    assert act(client, c, "close", outcome="fir", fir_number="123/2026").status_code == 302
    fresh = Complaint.objects.get(pk=c.pk)
    assert fresh.status == Status.CLOSED and fresh.fir_number == "123/2026"


def test_inbox_forward_sets_class_priority_and_unit(client_for, hq_operator, new_complaint):
    response = act(client_for(hq_operator), new_complaint, "forward", unit="meerut", category="action",
                   priority="urgent", next="/inbox/")
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    fresh = Complaint.objects.get(pk=new_complaint.pk)
    assert (fresh.status, fresh.unit.slug, fresh.category.slug, fresh.priority) == (
        Status.FORWARDED, "meerut", "action", "urgent")


def test_forward_to_unknown_unit_changes_nothing(client_for, hq, new_complaint):
    response = act(client_for(hq), new_complaint, "forward", unit="atlantis", category="action", priority="high")
    assert response.status_code == 400 and "Unknown unit" in response.content.decode()
    fresh = Complaint.objects.get(pk=new_complaint.pk)
    # The class and priority set before the failing forward are rolled back with it.
    assert fresh.version == new_complaint.version and fresh.category is None and fresh.priority == "normal"


def test_bulk_forward_and_reject(client_for, hq, make_complaint, unit):
    a, b, c = (lifecycle.set_suggestion(make_complaint(), unit("meerut"), "test") for _ in range(3))
    client = client_for(hq)
    response = client.post(reverse("dashboard:inbox_bulk"), {"op": "forward", "ids": [a.pk, b.pk],
                                                            f"v{a.pk}": a.version})
    assert response.status_code == 302
    assert set(Complaint.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) == {Status.FORWARDED}
    assert client.post(reverse("dashboard:inbox_bulk"), {"op": "reject", "ids": [c.pk], "reason": ""}).status_code == 302
    assert Complaint.objects.get(pk=c.pk).status == Status.NEW  # no reason, nothing rejected
    client.post(reverse("dashboard:inbox_bulk"), {"op": "reject", "ids": [c.pk], "reason": "Good-work post"})
    assert Complaint.objects.get(pk=c.pk).status == Status.REJECTED


def test_bulk_is_hq_only(client_for, meerut_cell, new_complaint):
    response = client_for(meerut_cell).post(reverse("dashboard:inbox_bulk"), {"op": "reject", "ids": [new_complaint.pk],
                                                                             "reason": "x"})
    assert response.status_code == 403
    assert Complaint.objects.get(pk=new_complaint.pk).status == Status.NEW


class TestIntake:
    url = "/intake/"

    def test_phone_call(self, client_for, hq):
        response = client_for(hq).post(self.url, {"channel": Channel.PHONE, "text": "Phone par shikayat",
                                                  "author_name": "Ram", "author_contact": "9999999999"})
        assert response.status_code == 302
        complaint = Complaint.objects.get(channel=Channel.PHONE)
        assert complaint.author_contact == "9999999999" and complaint.source_tweet_id is None
        assert complaint.events.get().actor.username == hq.username

    def test_tweet_url_typed_in(self, client_for, hq):
        response = client_for(hq).post(self.url, {"channel": Channel.X, "text": "Typed from the tweet",
                                                  "tweet_url": "https://x.com/someone/status/1861999999999999999?s=20"})
        assert response.status_code == 302
        complaint = Complaint.objects.get(source_tweet_id="1861999999999999999")
        assert complaint.author_username == "someone"

    def test_duplicate_tweet_links_to_existing(self, client_for, hq, make_complaint):
        existing = make_complaint(source_tweet_id="1861888888888888888")
        response = client_for(hq).post(self.url, {"channel": Channel.X, "text": "again",
                                                  "tweet_url": "https://twitter.com/a/status/1861888888888888888"})
        assert response.status_code == 400
        body = response.content.decode()
        assert f'href="/c/{existing.tracking_code}/"' in body
        assert Complaint.objects.count() == 1

    @pytest.mark.parametrize("data,field", [
        ({"channel": "x", "tweet_url": "https://example.com/status/1"}, "tweet_url"),
        ({"channel": "x", "tweet_url": ""}, "tweet_url"),
        ({"channel": "phone", "text": "", "tweet_url": ""}, "text"),
        ({"channel": "phone", "text": "x", "tweet_url": "https://x.com/a/status/1"}, "tweet_url"),
        ({"channel": "fax", "text": "x"}, "channel"),
    ])
    def test_bad_intake(self, client_for, hq, data, field):
        response = client_for(hq).post(self.url, data)
        assert response.status_code == 400
        assert response.context["form"].errors.get(field) or field == "text"
        assert not Complaint.objects.exists()

    def test_tweet_without_text_and_no_x_access(self, client_for, hq, settings):
        settings.X_BEARER_TOKEN = ""
        settings.X_API_KEY = ""
        response = client_for(hq).post(self.url, {"channel": "x", "tweet_url": "https://x.com/a/status/1861777"})
        assert response.status_code == 400
        assert "Type its text in" in response.content.decode()
        assert not Complaint.objects.exists()


def test_canned_replies_edit_by_hq(client_for, hq, meerut_cell, meerut_complaint):
    data = {"title": "Noted", "category": "", "status": "forwarded", "text_en": "Noted, we are on it.",
            "text_hi": "संज्ञान में लिया गया।", "is_active": "on"}
    assert client_for(meerut_cell).post(reverse("dashboard:reply_new"), data).status_code == 403
    assert client_for(hq).post(reverse("dashboard:reply_new"), {**data, "text_en": "x" * 281}).status_code == 400
    assert not CannedReply.objects.exists()
    assert client_for(hq).post(reverse("dashboard:reply_new"), data).status_code == 302
    page = client_for(meerut_cell).get(reverse("dashboard:complaint", args=[meerut_complaint.tracking_code]))
    assert "Noted, we are on it." in page.content.decode()


def test_filter_form_rejects_bad_values(client_for, hq, meerut_complaint):
    response = client_for(hq).get(reverse("dashboard:complaints"), {"unit": "atlantis", "date_from": "2026-13-01"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "unit" in form.errors and "date_from" in form.errors
    assert meerut_complaint.tracking_code not in response.content.decode()


def test_search_by_code_handle_and_words(client_for, hq, make_complaint, meerut_complaint):
    other = make_complaint(text="चोरी की शिकायत हजरतगंज", author_username="ramesh_k")
    client = client_for(hq)
    for q, expected in [(meerut_complaint.tracking_code.lower().replace("-", ""), meerut_complaint),
                        ("@ramesh_k", other), ("चोरी", other), ("chori", meerut_complaint)]:
        body = client.get(reverse("dashboard:complaints"), {"q": q}).content.decode()
        assert expected.tracking_code in body, q
    body = client.get(reverse("dashboard:complaints"), {"status": "forwarded", "unit": "meerut-range"}).content.decode()
    assert meerut_complaint.tracking_code in body and other.tracking_code not in body
    assert Event.objects.filter(action="escalated").count() == 0


def test_hq_marks_restricted_and_the_district_loses_sight(client_for, hq, meerut_cell, meerut_complaint):
    response = act(client_for(hq), meerut_complaint, "set_restricted", restricted="on", note="minor involved")
    assert response.status_code == 302
    fresh = Complaint.objects.get(pk=meerut_complaint.pk)
    assert fresh.is_restricted and fresh.events.filter(action="set_restricted").exists()
    page = client_for(meerut_cell).get(reverse("dashboard:complaint", args=[meerut_complaint.tracking_code]))
    assert page.status_code == 404


def test_handover_report_for_a_shift(client_for, hq, make_complaint, unit, meerut_cell):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    ist = ZoneInfo("Asia/Kolkata")
    inside = make_complaint(received_at=datetime(2026, 11, 20, 9, 0, tzinfo=ist))
    lifecycle.forward(inside, unit("meerut"), at=datetime(2026, 11, 20, 9, 30, tzinfo=ist))
    outside = make_complaint(received_at=datetime(2026, 11, 20, 17, 0, tzinfo=ist))
    response = client_for(hq).get(reverse("dashboard:handover"), {"date": "2026-11-20", "shift": "morning"})
    context = response.context
    assert context["arrived_count"] == 1
    assert {d["action"]: d["n"] for d in context["done_counts"]} == {"forward": 1}
    assert context["overdue_count"] == 1  # the noted deadline (11:30) passed before 16:00
    body = response.content.decode()
    assert inside.tracking_code in body and outside.tracking_code not in body
    night = client_for(hq).get(reverse("dashboard:handover"), {"date": "2026-11-20", "shift": "night"})
    assert night.context["arrived_count"] == 0 and night.context["pending_count"] == 2


def test_refusals_are_in_the_readers_language(client_for, hq, meerut_cell, noted, unit):
    """The lifecycle's refusals are messages with parameters, rendered when shown: a Hindi reader gets the
    whole sentence in Hindi, not an English reason inside Hindi text."""
    from districts.models import PoliceStation

    hq_client = client_for(hq)
    hq_client.post("/i18n/setlang/", {"language": "hi", "next": "/"})
    page = act(hq_client, noted, "reject", reason="spam").content.decode()
    assert "शिकायत पर अस्वीकार संभव नहीं" in page and "Cannot reject" not in page
    station = PoliceStation.objects.create(unit=unit("meerut"), name_en="Civil Lines")
    complaint = lifecycle.assign_station(noted, station, actor=meerut_cell)
    cell = client_for(meerut_cell)
    cell.post("/i18n/setlang/", {"language": "hi", "next": "/"})
    page = act(cell, complaint, "resolve").content.decode()
    assert "निस्तारण से पहले कृत कार्यवाही आख्या जोड़ें" in page and "Add the action-taken report" not in page
    assert unchanged(complaint)
