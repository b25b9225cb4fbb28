"""Filters, search, ordering and cursor pagination of /api/v1/complaints/."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from complaints import lifecycle
from complaints.models import Category, Complaint

pytestmark = pytest.mark.django_db


def codes_of(client, query=""):
    response = client.get("/api/v1/complaints/" + query)
    assert response.status_code == 200, response.content
    return [r["tracking_code"] for r in response.json()["results"]]


def ist(y, m, d, hh=0, mm=0):
    return timezone.make_aware(datetime(y, m, d, hh, mm))


@pytest.fixture
def spread(forwarded, make_complaint):
    meerut = forwarded("meerut", text="chain snatching near Begum Bridge", author_username="asha_k")
    lucknow = forwarded("lucknow", text="noise from a wedding band at midnight")  # under the commissionerate
    commissionerate = forwarded("lucknow-commissionerate", text="traffic jam at Hazratganj")
    new = make_complaint(text="bike stolen", priority="high")
    return {"meerut": meerut, "lucknow": lucknow, "commissionerate": commissionerate, "new": new}


def test_status_multiple_and_priority(api, hq, spread):
    lifecycle.note(spread["meerut"])
    client = api(hq)
    assert set(codes_of(client, "?status=noted&status=new")) == {spread["meerut"].tracking_code, spread["new"].tracking_code}
    assert codes_of(client, "?priority=high") == [spread["new"].tracking_code]
    assert client.get("/api/v1/complaints/?status=lost").status_code == 400


def test_unit_includes_units_below(api, hq, spread):
    client = api(hq)
    assert set(codes_of(client, "?unit=lucknow-commissionerate")) == {
        spread["lucknow"].tracking_code, spread["commissionerate"].tracking_code}
    assert codes_of(client, "?unit=lucknow") == [spread["lucknow"].tracking_code]
    assert codes_of(client, "?unit=meerut-zone") == [spread["meerut"].tracking_code]
    assert client.get("/api/v1/complaints/?unit=atlantis").status_code == 400


def test_filters_never_widen_scoping(api, bareilly_cell, spread):
    assert codes_of(api(bareilly_cell), "?unit=meerut") == []


def test_category(api, hq, spread):
    cat, _ = Category.objects.get_or_create(slug="police-action", defaults={"name_en": "Police action", "name_hi": "x"})
    lifecycle.set_category(spread["meerut"], cat)
    assert codes_of(api(hq), "?category=police-action") == [spread["meerut"].tracking_code]


def test_noted_and_overdue(api, hq, spread):
    lifecycle.note(spread["meerut"])
    client = api(hq)
    assert codes_of(client, "?noted=true") == [spread["meerut"].tracking_code]
    assert spread["meerut"].tracking_code not in codes_of(client, "?noted=false")
    Complaint.objects.filter(pk=spread["lucknow"].pk).update(sla_due_at=timezone.now() - timedelta(minutes=5))
    Complaint.objects.filter(pk=spread["commissionerate"].pk).update(sla_due_at=timezone.now() + timedelta(hours=5))
    assert codes_of(client, "?overdue=true") == [spread["lucknow"].tracking_code]
    assert spread["lucknow"].tracking_code not in codes_of(client, "?overdue=false")


def test_date_ranges_are_ist_days(api, hq, make_complaint):
    late_evening = make_complaint(received_at=ist(2026, 11, 1, 23, 50))  # 18:20 UTC on 1 Nov
    early_morning = make_complaint(received_at=ist(2026, 11, 2, 0, 10))  # 18:40 UTC on 1 Nov
    client = api(hq)
    assert codes_of(client, "?received_after=2026-11-01&received_before=2026-11-01") == [late_evening.tracking_code]
    assert codes_of(client, "?received_after=2026-11-02&received_before=2026-11-02") == [early_morning.tracking_code]
    assert client.get("/api/v1/complaints/?received_after=yesterday").status_code == 400


def test_noted_and_resolved_ranges(api, hq, forwarded):
    complaint = forwarded("meerut")
    lifecycle.note(complaint, at=ist(2026, 10, 5, 10))
    lifecycle.report(complaint, "done")
    lifecycle.resolve(complaint, at=ist(2026, 10, 7, 10))
    client = api(hq)
    assert codes_of(client, "?noted_on_after=2026-10-05&noted_on_before=2026-10-05") == [complaint.tracking_code]
    assert codes_of(client, "?noted_on_after=2026-10-06") == []
    assert codes_of(client, "?resolved_after=2026-10-07&resolved_before=2026-10-07") == [complaint.tracking_code]


def test_search_by_code_handle_and_words(api, hq, spread):
    client = api(hq)
    code = spread["meerut"].tracking_code
    assert codes_of(client, f"?q={code.lower().replace('-', '')}") == [code]
    assert codes_of(client, "?q=@ASHA_K") == [code]
    assert codes_of(client, "?q=begum bridge") == [code]
    assert codes_of(client, "?q=nothing-like-this") == []
    assert codes_of(client, "?q=' OR 1=1 --") == []


def test_ordering_and_cursor_pagination(api, hq, make_complaint):
    made = [make_complaint(received_at=ist(2026, 9, 1) + timedelta(minutes=i)) for i in range(5)]
    client = api(hq)
    first = client.get("/api/v1/complaints/?page_size=2").json()
    assert [r["tracking_code"] for r in first["results"]] == [made[4].tracking_code, made[3].tracking_code]
    second = client.get(first["next"]).json()
    assert [r["tracking_code"] for r in second["results"]] == [made[2].tracking_code, made[1].tracking_code]
    third = client.get(second["next"]).json()
    assert [r["tracking_code"] for r in third["results"]] == [made[0].tracking_code] and third["next"] is None
    oldest_first = codes_of(client, "?ordering=received_at&page_size=2")
    assert oldest_first == [made[0].tracking_code, made[1].tracking_code]
    garbage = client.get("/api/v1/complaints/?cursor=garbage")
    assert garbage.status_code == 400 and garbage.json()["code"] == "invalid_cursor"
