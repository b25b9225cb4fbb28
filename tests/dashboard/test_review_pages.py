"""The weekly review on the pages: the honour roll and the report's links on the league page, the PDF
for HQ (the state) and for a supervisor (their units only), refused to a unit's cell; the spikes and the
day's top terms on HQ's home page (the inbox)."""

import io
from datetime import datetime, timedelta

import pypdf
import pytest
from django.core.cache import cache
from django.utils import timezone

from complaints import lifecycle
from dashboard import honour_roll, spikes
from dashboard.review_models import WeeklyReport


def pdf_text(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages).replace("\u200b", "")


@pytest.fixture
def last_week_complaints(make_complaint, unit):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday() + 7)
    when = timezone.make_aware(datetime.combine(monday, datetime.min.time())) + timedelta(hours=10)
    meerut = lifecycle.forward(make_complaint(text="Meerut mein chori", received_at=when), unit("meerut"))
    agra = lifecycle.forward(make_complaint(text="Agra mein chori", received_at=when), unit("agra"))
    return monday.strftime("%G-W%V"), meerut, agra


def test_league_page_shows_the_honour_roll_and_report_links(client_for, hq):
    page = client_for(hq).get("/league/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'id="honour-roll"' in body and "Not decided yet" in body
    honour_roll.decide(honour_roll.last_ended_month())
    assert "Best disposal rate" in client_for(hq).get("/league/").content.decode()
    assert 'id="weekly-review-form"' in body and "/export/honour-roll.csv?month=" in body


def test_hq_gets_the_state_report_and_it_is_filed(client_for, hq, last_week_complaints):
    week, meerut, agra = last_week_complaints
    response = client_for(hq).get(f"/review/{week}/en.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert meerut.tracking_code in text and agra.tracking_code in text and "Uttar Pradesh Police" in text
    assert WeeklyReport.objects.filter(scope__slug="up-police", language="en").count() == 1
    picked = client_for(hq).get("/review/", {"week": week, "language": "hi"})
    assert picked.status_code == 302 and picked["Location"].endswith(f"/review/{week}/hi.pdf")


def test_a_supervisor_gets_only_their_units(client_for, meerut_range, last_week_complaints):
    week, meerut, agra = last_week_complaints
    response = client_for(meerut_range).get(f"/review/{week}/en.pdf")
    text = pdf_text(response)
    assert meerut.tracking_code in text and agra.tracking_code not in text
    assert WeeklyReport.objects.get().scope.slug == "meerut-range"


def test_a_units_cell_may_not_have_it(client_for, meerut_cell, last_week_complaints):
    week, _m, _a = last_week_complaints
    assert client_for(meerut_cell).get(f"/review/{week}/en.pdf").status_code == 403
    assert client_for(meerut_cell).get("/export/honour-roll.csv").status_code == 403


def test_hq_home_shows_spikes_and_the_days_terms(client_for, hq, make_complaint, unit):
    cache.delete(spikes.RECENT_KEY)
    now = timezone.now()
    for i in range(6):
        lifecycle.forward(make_complaint(text=f"Mathura mein bijli gul #BijliGul {i}", received_at=now), unit("mathura"))
    body = client_for(hq).get("/inbox/").content.decode()
    assert 'id="spikes"' in body and "Mathura" in body and "#BijliGul (6)" in body and "bijli (6)" in body
