"""The pages that show the ingest side: health, good-work feed and the outbox rows on a complaint."""

from django.urls import reverse

from dashboard import ingest_bridge


def test_ingest_health_shows_the_summary(client_for, hq):
    response = client_for(hq).get(reverse("dashboard:health"))
    assert response.status_code == 200
    assert response.context["available"] is (ingest_bridge.health_summary() is not None)
    if response.context["available"]:
        keys = [key for key, _value in response.context["rows"]]
        assert any(key.startswith("outbox") for key in keys)


def test_good_work_feed_renders(client_for, hq):
    response = client_for(hq).get(reverse("dashboard:good_work"))
    assert response.status_code == 200
    assert response.context["available"] is (ingest_bridge.model("GoodWorkPost") is not None)


def test_outbox_rows_on_the_complaint_page(client_for, hq, meerut_complaint):
    rows = ingest_bridge.outbox_rows(meerut_complaint)
    body = client_for(hq).get(reverse("dashboard:complaint", args=[meerut_complaint.tracking_code])).content.decode()
    if rows is None:
        assert "Outbox (tweets we send)" not in body
    else:
        assert "Outbox (tweets we send)" in body
        for row in rows:
            assert str(row["pk"]) in body
