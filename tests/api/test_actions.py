"""Actions through the API: the lifecycle's errors become 409 (illegal step, stale version), 400 with the
field (bad values), and manual intake refuses a tweet already filed with the existing code."""

import pytest

from complaints import lifecycle
from complaints.models import Complaint, Status

pytestmark = pytest.mark.django_db


def post(client, complaint, action, body):
    return client.post(f"/api/v1/complaints/{complaint.tracking_code}/{action}/", body, format="json")


def test_walk_through_the_whole_lifecycle(api, hq, meerut_cell, make_complaint, station):
    complaint = make_complaint()
    hq_client, cell = api(hq), api(meerut_cell)
    assert post(hq_client, complaint, "forward", {"unit": "meerut"}).json()["status"] == "forwarded"
    assert post(cell, complaint, "note", {"tweet_id": "1861000000000009999"}).json()["noted_tweet_id"] == "1861000000000009999"
    assert post(cell, complaint, "assign-station", {"police_station": station.pk}).json()["status"] == "in_progress"
    assert post(cell, complaint, "report", {"text": "FIR lodged, accused arrested."}).status_code == 200
    assert post(cell, complaint, "resolve", {}).json()["status"] == "resolved"
    closed = post(cell, complaint, "close", {"outcome": "fir", "fir_number": "0123/2026"}).json()
    assert (closed["status"], closed["outcome"], closed["fir_number"]) == ("closed", "fir", "0123/2026")
    assert post(hq_client, complaint, "reopen", {"reason": "Citizen not satisfied"}).json()["status"] == "reopened"
    actors = list(complaint.events.values_list("actor__username", flat=True))
    assert actors == [None, "hq-sup", "meerut-cell", "meerut-cell", "meerut-cell", "meerut-cell", "meerut-cell", "hq-sup"]


def test_illegal_transition_is_409_and_changes_nothing(api, hq, forwarded):
    complaint = forwarded("meerut")
    response = post(api(hq), complaint, "resolve", {})
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert "resolve" in response.json()["detail"].lower()
    assert Complaint.objects.get(pk=complaint.pk).status == Status.FORWARDED


def test_stale_version_is_409(api, hq, forwarded):
    complaint = forwarded("meerut")
    old = complaint.version
    lifecycle.add_note(complaint, "someone else was here")
    response = post(api(hq), complaint, "note", {"expected_version": old})
    assert response.status_code == 409 and response.json()["code"] == "stale"
    assert post(api(hq), complaint, "note", {"expected_version": old + 1}).status_code == 200


@pytest.mark.parametrize("action, body, field", [
    ("forward", {}, "unit"),
    ("forward", {"unit": "no-such-unit"}, "unit"),
    ("forward", {"unit": "up-police"}, "unit"),
    ("transfer", {"unit": "meerut"}, "unit"),  # already there
    ("note", {"expected_version": "two"}, "expected_version"),
    ("note", {"tweet_id": "12ab"}, "tweet_id"),
    ("merge", {"into": "UPP-12345"}, "into"),
    ("merge", {"into": ""}, "into"),
])
def test_bad_values_are_400_with_the_field(api, hq, forwarded, action, body, field):
    complaint = forwarded("meerut")
    response = post(api(hq), complaint, action, body)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_report_too_long_and_close_without_fir_number(api, hq, forwarded):
    complaint = lifecycle.note(forwarded("meerut"))
    assert "text" in post(api(hq), complaint, "report", {"text": "x" * 281}).json()
    complaint = lifecycle.resolve(lifecycle.report(complaint, "done"))
    response = post(api(hq), complaint, "close", {"outcome": "fir"})
    assert response.status_code == 400 and "fir_number" in response.json()
    assert "outcome" in post(api(hq), complaint, "close", {"outcome": "shrug"}).json()


def test_station_of_another_district_is_400(api, hq, forwarded, unit):
    from districts.models import PoliceStation

    complaint = lifecycle.note(forwarded("meerut"))
    elsewhere = PoliceStation.objects.exclude(unit__in=unit("meerut").subtree_ids()).first()
    response = post(api(hq), complaint, "assign-station", {"police_station": elsewhere.pk})
    assert response.status_code == 400 and "police_station" in response.json()
    assert post(api(hq), complaint, "assign-station", {"police_station": 10**12}).status_code == 400


def test_merge_into_itself_is_400(api, hq, forwarded):
    complaint = forwarded("meerut")
    assert "into" in post(api(hq), complaint, "merge", {"into": complaint.tracking_code}).json()


def test_actions_accept_the_code_in_any_form(api, hq, forwarded):
    complaint = forwarded("meerut")
    sloppy = complaint.tracking_code.lower().replace("-", " ")
    assert api(hq).post(f"/api/v1/complaints/{sloppy}/note/", {}, format="json").status_code == 200


def test_manual_intake(api, hq):
    body = {"text": "Phone call: my bike was stolen from the station road", "channel": "phone",
            "author_name": "Ramesh", "author_contact": "98XXXXXX10", "priority": "high"}
    response = api(hq).post("/api/v1/complaints/", body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "new" and data["channel"] == "phone" and data["author_contact"] == "98XXXXXX10"
    assert Complaint.objects.get(tracking_code=data["tracking_code"]).events.get().actor.username == "hq-sup"


def test_manual_intake_duplicate_tweet_is_409_with_the_existing_code(api, hq, make_complaint):
    existing = make_complaint(source_tweet_id="1861000000000012345")
    response = api(hq).post("/api/v1/complaints/", {"text": "same tweet", "channel": "x",
                                                    "source_tweet_id": "1861000000000012345"}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": f"This tweet is already filed as {existing.tracking_code}.",
                                "code": "duplicate_tweet", "existing": existing.tracking_code}


@pytest.mark.parametrize("body, field", [
    ({"text": "   "}, "text"), ({}, "text"), ({"text": "x", "source_tweet_id": "-1"}, "source_tweet_id"),
    ({"text": "x", "channel": "fax"}, "channel"), ({"text": "x", "category": "nope"}, "category"),
    ({"text": "x", "source_tweet_id": "99999999999999999999"}, "source_tweet_id"),  # above 2^64
])
def test_manual_intake_bad_values(api, hq, body, field):
    response = api(hq).post("/api/v1/complaints/", body, format="json")
    assert response.status_code == 400 and field in response.json()


def test_hand_to_112_through_the_api(api, meerut_cell, meerut_range, forwarded):
    """Who informed 112 and when is recorded, the state stays; a supervisor may not; a closed complaint is 409."""
    complaint = forwarded("meerut", priority="urgent", urgent_terms=["goli chal rahi"])
    assert "hand_to_112" in api(meerut_cell).get(f"/api/v1/complaints/{complaint.tracking_code}/").json()["allowed_actions"]
    response = post(api(meerut_cell), complaint, "hand-to-112", {"reference": "E-17", "note": "PRV sent"})
    assert response.status_code == 200 and response.json()["status"] == "forwarded"
    event = complaint.events.get(action="hand_to_112")
    assert (event.actor, event.data["reference"], event.note) == (meerut_cell, "E-17", "PRV sent")
    assert post(api(meerut_range), complaint, "hand-to-112", {}).status_code == 403
    lifecycle.note(complaint)
    lifecycle.report(complaint, "Visited.")
    lifecycle.resolve(complaint)
    lifecycle.close(complaint, "resolved_without_fir")
    assert post(api(meerut_cell), complaint, "hand-to-112", {}).status_code == 409
    assert complaint.events.filter(action="hand_to_112").count() == 1


def test_refusals_in_hindi_with_accept_language(api, hq, forwarded):
    complaint = forwarded("meerut")
    client = api(hq)
    response = client.post(f"/api/v1/complaints/{complaint.tracking_code}/resolve/", {}, format="json",
                           HTTP_ACCEPT_LANGUAGE="hi")
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"
    detail = response.json()["detail"]
    assert "निस्तारण संभव नहीं" in detail and "Cannot" not in detail
    english = client.post(f"/api/v1/complaints/{complaint.tracking_code}/resolve/", {}, format="json",
                          HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"].startswith("Cannot resolve a complaint that is forwarded")
    assert Complaint.objects.get(pk=complaint.pk).status == Status.FORWARDED
