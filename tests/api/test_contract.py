"""Contract: field names and shapes of every endpoint (ISO 8601 times with +05:30, tweet ids as strings,
status values from the documented set)."""

import re

import pytest

from complaints import lifecycle
from complaints.models import Category, Status

pytestmark = pytest.mark.django_db

IST = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+05:30$")
COMPLAINT_FIELDS = {
    "tracking_code", "version", "status", "channel", "category", "priority", "urgent_terms", "is_restricted",
    "unit", "suggested_unit", "suggestion_reason", "suggestion_confidence", "suggested_station", "police_station",
    "source_tweet_id",
    "conversation_id", "author_username", "author_name", "author_location", "text", "language", "x_lang", "tweeted_at",
    "received_at", "forwarded_at", "noted_at", "noted_by", "noted_tweet_id", "resolved_at", "closed_at",
    "action_taken_report", "outcome", "fir_number", "rejection_reason", "duplicate_of", "sla_due_at",
    "escalated_at", "updated_at", "pending_report", "pending_resolution", "report_return_reason",
}
STATUSES = {"new", "forwarded", "noted", "in_progress", "resolved", "closed", "rejected", "duplicate",
            "transferred", "reopened", "awaiting_approval"}


def test_list_item_fields_and_types(api, hq, forwarded):
    complaint = forwarded("meerut", source_tweet_id="18446744073709551615")  # 2^64-1: beyond a float
    lifecycle.note(complaint)
    body = api(hq).get("/api/v1/complaints/").json()
    assert set(body) == {"next", "previous", "results"}
    item = body["results"][0]
    assert set(item) == COMPLAINT_FIELDS
    assert item["source_tweet_id"] == "18446744073709551615"
    assert item["status"] == "noted" and item["status"] in STATUSES
    assert item["unit"] == {"slug": "meerut", "name_en": "Meerut", "name_hi": "मेरठ"}
    assert item["noted_by"]["slug"] == "meerut"
    for name in ("received_at", "forwarded_at", "noted_at", "updated_at"):
        assert IST.match(item[name]), (name, item[name])
    assert item["resolved_at"] is None and item["duplicate_of"] is None


def test_status_values_are_the_documented_set():
    assert set(Status.values) == STATUSES


def test_detail_adds_thread_events_and_allowed_actions(api, hq, forwarded):
    complaint = forwarded("meerut")
    lifecycle.add_note(complaint, "Called the complainant", actor=hq)
    body = api(hq).get(f"/api/v1/complaints/{complaint.tracking_code}/").json()
    assert set(body) == COMPLAINT_FIELDS | {"author_contact", "messages", "events", "allowed_actions", "media",
                                                  "triage"}
    assert [m["kind"] for m in body["messages"]] == ["internal"]
    assert set(body["messages"][0]) == {"id", "kind", "text", "tweet_id", "author_username", "unit", "created_at",
                                        "needs_attention"}
    assert [e["action"] for e in body["events"]] == ["file", "forward", "add_note"]
    assert all(IST.match(e["created_at"]) for e in body["events"])
    assert "note" in body["allowed_actions"] and "resolve" not in body["allowed_actions"]


def test_station_and_duplicate_shapes(api, hq, forwarded, station):
    first, second = forwarded("meerut"), forwarded("meerut")
    lifecycle.note(second)
    lifecycle.assign_station(second, station)
    lifecycle.merge(first, second)
    client = api(hq)
    assert client.get(f"/api/v1/complaints/{first.tracking_code}/").json()["duplicate_of"] == second.tracking_code
    ps = client.get(f"/api/v1/complaints/{second.tracking_code}/").json()["police_station"]
    assert ps == {"id": station.pk, "name_en": station.name_en, "name_hi": station.name_hi}


def test_units_endpoint(api, hq):
    units = api(hq).get("/api/v1/units/").json()
    meerut = next(u for u in units if u["slug"] == "meerut")
    assert set(meerut) == {"slug", "type", "name_en", "name_hi", "parent", "handles", "lgd_code", "is_active"}
    assert meerut["type"] == "district" and meerut["parent"] == "meerut-range"
    assert meerut["handles"] == ["meerutpolice"]
    assert {u["type"] for u in api(hq).get("/api/v1/units/?type=zone").json()} == {"zone"}
    assert api(hq).get("/api/v1/units/meerut/").json()["name_hi"] == "मेरठ"
    assert api(hq).get("/api/v1/units/no-such-unit/").status_code == 404


def test_categories_endpoint(api, meerut_cell):
    Category.objects.get_or_create(slug="police-action", defaults={"name_en": "Police action", "name_hi": "पुलिस"})
    body = api(meerut_cell).get("/api/v1/categories/").json()
    assert body and set(body[0]) == {"slug", "name_en", "name_hi", "description", "order", "is_active"}


def test_stats_endpoint(api, hq, forwarded):
    lifecycle.note(forwarded("meerut"))
    body = api(hq).get("/api/v1/stats/").json()
    assert set(body) == {"start", "end", "noted_target_minutes", "units"}
    meerut = next(r for r in body["units"] if r["unit"] == "meerut")
    assert set(meerut) == {
        "rank", "unit", "unit_name_en", "unit_name_hi", "unit_type", "received", "forwarded", "noted",
        "noted_within_target", "noted_within_target_pct", "median_minutes_to_noted", "median_minutes_to_resolution",
        "disposed", "disposal_rate_pct", "pending_beyond_target", "not_heard", "satisfied", "not_satisfied",
        "satisfaction_pct", "reopened",
    }
    assert meerut["rank"] == 1 and meerut["received"] == 1 and meerut["noted_within_target_pct"] == 100.0


def test_stats_bad_query(api, hq):
    assert api(hq).get("/api/v1/stats/?start=2026-02-30").status_code == 400
    assert api(hq).get("/api/v1/stats/?start=2026-05-02&end=2026-05-01").status_code == 400
    assert api(hq).get("/api/v1/stats/?unit=nowhere").status_code == 400


def test_public_track_api(api, resolved):
    complaint = resolved("meerut")
    body = api().get(f"/api/v1/track/{complaint.tracking_code.lower()}/").json()
    assert set(body) == {"tracking_code", "status", "status_label", "is_open", "restricted", "received_at",
                         "updated_at", "unit", "unit_handle", "text", "action_taken_report", "outcome",
                         "outcome_label", "fir_number", "stages"}
    assert body["status"] == "resolved" and body["unit_handle"] == "meerutpolice"
    assert [s["stage"] for s in body["stages"]] == ["file", "forward", "note", "report", "resolve"]
    assert all(IST.match(s["at"]) for s in body["stages"])
    assert body["action_taken_report"].startswith("Both parties")


def test_open311_services_and_requests(api, resolved, client, settings):
    Category.objects.get_or_create(slug="police-action", defaults={"name_en": "Police action", "name_hi": "पुलिस"})
    complaint = resolved("meerut")
    lifecycle.set_category(complaint, "police-action")
    services = client.get("/open311/v2/services.json").json()
    assert {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"} <= set(services[0])
    requests = client.get("/open311/v2/requests.json").json()
    item = next(r for r in requests if r["service_request_id"] == str(complaint.public_id))
    assert item["status"] == "open" or item["status"] == "closed"
    assert item["status"] == "closed"  # resolved
    assert item["agency_responsible"] == "Meerut"
    assert item["status_notes"].startswith("Both parties")
    assert item["service_code"] == "police-action" and item["service_name"] == "Police action"
    assert item["description"] == ""  # OPEN311_PUBLISH_TEXT is off by default
    assert IST.match(item["requested_datetime"]) and IST.match(item["updated_datetime"])
    one = client.get(f"/open311/v2/requests/{complaint.public_id}.json").json()
    assert one == [item]
    assert client.get(f"/open311/v2/requests/{complaint.tracking_code}.json").json() == [item]  # the code's holder
    settings.OPEN311_PUBLISH_TEXT = True
    assert client.get(f"/open311/v2/requests/{complaint.tracking_code}.json").json()[0]["description"]


def test_open311_filters_and_privacy(client, forwarded, resolved, make_complaint):
    open_one, closed_one = forwarded("meerut"), resolved("bareilly")
    secret = forwarded("meerut", is_restricted=True)
    rejected = make_complaint()
    lifecycle.reject(rejected, "Good-work post, not a complaint")
    ids = lambda q="": {r["service_request_id"] for r in client.get("/open311/v2/requests.json" + q).json()}  # noqa: E731
    pid = lambda c: str(c.public_id)  # noqa: E731
    assert ids() == {pid(open_one), pid(closed_one)}
    assert ids("?status=open") == {pid(open_one)}
    assert ids("?status=closed") == {pid(closed_one)}
    assert ids("?start_date=2000-01-01T00:00:00%2B05:30&end_date=2000-01-02T00:00:00%2B05:30") == set()
    assert ids("?service_code=nothing-here") == set()
    assert ids(f"?service_request_id={pid(open_one)},{pid(secret)}") == {pid(open_one)}
    assert ids(f"?service_request_id={open_one.tracking_code},{secret.tracking_code}") == {pid(open_one)}
    assert client.get(f"/open311/v2/requests/{secret.tracking_code}.json").status_code == 404
    assert client.get(f"/open311/v2/requests/{secret.public_id}.json").status_code == 404
    assert client.get("/open311/v2/requests.json?status=maybe").status_code == 400
    assert client.get("/open311/v2/requests.json?start_date=yesterday").json()[0]["code"] == 400
    bad = client.get("/open311/v2/requests/UPP-12345.json")
    assert bad.status_code == 400 and bad.json()[0]["code"] == 400


def test_open311_page_size_is_capped(client, forwarded, settings):
    settings.OPEN311_MAX_REQUESTS = 2
    for _ in range(3):
        forwarded("meerut")
    assert len(client.get("/open311/v2/requests.json").json()) == 2


def test_schema_and_docs_are_served_locally(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for p in ("/api/v1/complaints/", "/api/v1/complaints/{code}/", "/api/v1/complaints/{code}/forward/",
              "/api/v1/units/", "/api/v1/categories/", "/api/v1/stats/", "/api/v1/track/{code}/"):
        assert p in paths, p
    forward = paths["/api/v1/complaints/{code}/forward/"]["post"]
    assert "409" in forward["responses"] and "requestBody" in forward
    for page in ("/api/docs/", "/api/redoc/"):
        html = client.get(page).content.decode()
        assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
        assert "/static/drf_spectacular_sidecar/" in html
