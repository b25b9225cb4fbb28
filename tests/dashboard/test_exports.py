"""Exports: scoped rows, CSV and XLSX, and no spreadsheet formula can ride in on a tweet."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dashboard import exports

HOSTILE = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize("value", HOSTILE)
def test_escape_neutralises_formulas(value):
    assert exports.escape(value) == "'" + value


@pytest.mark.parametrize("value,expected", [("plain", "plain"), ("शिकायत = ठीक", "शिकायत = ठीक"), (5, 5), (None, "")])
def test_escape_leaves_ordinary_values(value, expected):
    assert exports.escape(value) == expected


def _csv(response):
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def hostile(forwarded):
    return forwarded("meerut", text="=cmd|' /C calc'!A0", author_name="@attacker")


def test_complaint_csv_is_escaped_and_scoped(client_for, meerut_cell, hostile, bareilly_complaint):
    rows = _csv(client_for(meerut_cell).get(reverse("dashboard:export_complaints", args=["csv"])))
    header, body = rows[0], rows[1:]
    assert header[0] == "Tracking code"
    codes = [r[0] for r in body]
    assert hostile.tracking_code in codes and bareilly_complaint.tracking_code not in codes
    row = body[codes.index(hostile.tracking_code)]
    assert row[header.index("Text")] == "'=cmd|' /C calc'!A0"
    assert row[header.index("Name")] == "'@attacker"


def test_complaint_xlsx_is_escaped(client_for, hq, hostile):
    response = client_for(hq).get(reverse("dashboard:export_complaints", args=["xlsx"]), {"q": hostile.tracking_code})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    text = rows[1][rows[0].index("Text")]
    assert text == "'=cmd|' /C calc'!A0"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_exports_follow_the_filters(client_for, hq, hostile, bareilly_complaint):
    rows = _csv(client_for(hq).get(reverse("dashboard:export_complaints", args=["csv"]), {"unit": "bareilly"}))
    assert [r[0] for r in rows[1:]] == [bareilly_complaint.tracking_code]


def test_league_exports(client_for, hq, meerut_range, meerut_complaint, bareilly_complaint):
    rows = _csv(client_for(hq).get(reverse("dashboard:export_league", args=["csv"])))
    header = rows[0]
    assert header[:3] == ["Rank", "Unit", "Unit (Hindi)"]
    by_unit = {r[1]: r for r in rows[1:]}
    assert by_unit["Meerut"][header.index("Received")] == "1"
    assert by_unit["Meerut"][header.index("Not heard")] == "1"
    # A range supervisor gets the units below it only.
    rows = _csv(client_for(meerut_range).get(reverse("dashboard:export_league", args=["csv"])))
    units = {r[1] for r in rows[1:]}
    assert "Meerut" in units and "Bareilly" not in units
    response = client_for(hq).get(reverse("dashboard:export_league", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert next(sheet.iter_rows(values_only=True))[0] == "Rank"


def test_league_page_draws_svg_charts(client_for, hq, meerut_complaint):
    body = client_for(hq).get(reverse("dashboard:league")).content.decode()
    assert body.count("<svg") == 3 and "<script" not in body.split("<main")[1].split("</main>")[0]
    assert "Meerut" in body


def test_league_period_validation(client_for, hq):
    response = client_for(hq).get(reverse("dashboard:league"), {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 200 and "end" in response.context["form"].errors


def test_league_figures_are_kept_for_a_while(client_for, hq, settings, forwarded, django_assert_max_num_queries):
    from django.core.cache import cache

    cache.clear()
    settings.DASHBOARD_LEAGUE_CACHE_SECONDS = 60
    client = client_for(hq)
    first = _csv(client.get(reverse("dashboard:export_league", args=["csv"])))
    forwarded("meerut")
    again = _csv(client.get(reverse("dashboard:export_league", args=["csv"])))
    assert again == first  # kept
    cache.clear()
    fresh = _csv(client.get(reverse("dashboard:export_league", args=["csv"])))
    assert fresh != first


def test_warm_task_prepares_hqs_default_view(client_for, hq, settings, meerut_complaint, django_assert_max_num_queries):
    from django.core.cache import cache

    from dashboard.tasks import warm_league

    cache.clear()
    settings.DASHBOARD_LEAGUE_CACHE_SECONDS = 60
    assert settings.CELERY_BEAT_SCHEDULE["dashboard-league-warm"]["task"] == "dashboard.tasks.warm_league"
    warm_league.delay()
    client = client_for(hq)
    client.get("/")  # session and profile loaded once
    with django_assert_max_num_queries(8):  # no league aggregation left to do
        body = client.get(reverse("dashboard:league")).content.decode()
    assert "Meerut" in body
