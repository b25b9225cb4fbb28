"""The weekly review report: its figures are the league's and the complaints' own, and its PDF, read back
with pypdf, says them in English and in Hindi with Devanagari shaped by HarfBuzz (conjuncts as one glyph,
the matra ि drawn before its consonant)."""

import io
import re
from datetime import date, datetime, timedelta

import pypdf
import pytest
from django.core.management import call_command
from django.utils import timezone

from complaints import lifecycle
from complaints.models import Priority
from dashboard import review_report
from dashboard.review_models import WeeklyReport

WEEK = "2026-W48"  # Monday 23 to Sunday 29 November 2026
HINDI_TEXT = "#बिजली_चोरी क्षेत्र में युद्ध जैसा झगड़ा, त्रिपाठी जी ने ज्ञापन दिया, शुद्ध पानी नहीं"


def at(day, hour=10, minute=0, month=11):
    return timezone.make_aware(datetime(2026, month, day, hour, minute))


def text_of(pdf: bytes) -> str:
    """The PDF's text, without the zero-width spaces that the glyphs after the first of a shaped cluster
    (मि: the matra's glyph carries both letters) stand for."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u200b", "")


def glyph_texts(pdf: bytes) -> set:
    """What each glyph of the embedded fonts stands for, from their ToUnicode maps."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            cmap = font.get_object()["/ToUnicode"].get_data().decode()
            for hexa in re.findall(r"<[0-9A-F]+> <([0-9A-F]+)>", cmap):
                found.add(bytes.fromhex(hexa).decode("utf-16-be"))
    return found


@pytest.fixture
def week(make_complaint, unit):
    heard = lifecycle.forward(make_complaint(text="Meerut mein chori #UPPolice", received_at=at(23)),
                              unit("meerut"), at=at(23, 10, 5))
    heard = lifecycle.note(heard, at=at(23, 10, 35))
    heard = lifecycle.report(heard, "Thana ne FIR darj ki")
    lifecycle.resolve(heard, at=at(24, 10, 5))
    unheard = lifecycle.forward(make_complaint(text="Meerut mein jhagda #UPPolice", received_at=at(24),
                                               priority=Priority.URGENT), unit("meerut"), at=at(24, 11))
    lifecycle.forward(make_complaint(text=HINDI_TEXT, received_at=at(25), is_restricted=False),
                      unit("lucknow-commissionerate"), at=at(25, 11))
    lifecycle.forward(make_complaint(text="Sensitive matter", received_at=at(25, 12), is_restricted=True),
                      unit("lucknow-commissionerate"), at=at(25, 13))
    # Mathura (Agra range and zone): six in one hour on Wednesday against one in the same hour a week earlier: a spike.
    lifecycle.forward(make_complaint(text="Mathura mein sadak jam", received_at=at(18, 14, 10)), unit("mathura"))
    for minute in range(6):
        lifecycle.forward(make_complaint(text=f"Mathura mein sadak jam #AgraJam {minute}",
                                         received_at=at(25, 14, minute * 5)), unit("mathura"))
    return {"unheard": unheard}


def test_figures_add_up_by_zone_range_and_state(week):
    data = review_report.figures(date(2026, 11, 23))
    state = data["state"]
    assert (state["received"], state["forwarded"], state["disposed"], state["not_heard"]) == (10, 10, 1, 9)
    assert state["urgent"] == 1 and state["sensitive"] == 1
    assert state["median_minutes_to_noted"] == 30.0
    assert state["median_minutes_to_resolution"] == 1440.0
    ranges = {r["unit_name_en"]: r for r in data["ranges"]}
    zones = {z["unit_name_en"]: z for z in data["zones"]}
    assert ranges["Meerut Range"]["received"] == 2 and ranges["Meerut Range"]["not_heard"] == 1
    assert zones["Meerut Zone"]["received"] == 2 and zones["Agra Zone"]["received"] == 6
    # The Mathura complaint of the week before is not this week's.
    assert next(u for u in data["units"] if u["unit"] == "mathura")["received"] == 6
    assert [s["count"] for s in data["spikes"]] == [6]
    assert data["spikes"][0]["unit"].slug == "mathura" and data["spikes"][0]["before"] == [1, 0, 0, 0]
    assert ("#UPPolice", 2) in data["trending"]["hashtags"]
    assert str(data["x_spend"]) == "0.000"  # the ledger is there, and nothing was spent on X that week


def test_the_english_edition_says_the_figures(week):
    text = text_of(review_report.build(date(2026, 11, 23), "en"))
    for label in ("Weekly review 2026-W48", "Received", "Not heard", "Median minutes to Noted",
                  "Pending beyond target", "Citizen satisfaction", "Urgent", "Sensitive", "Zones", "Ranges",
                  "Honour roll of 10/2026", "Spikes of the week", "Top hashtags and terms", "X spend",
                  "0.000 USD on the X API", "Meerut Range", "Agra Zone", "#AgraJam (6)"):
        assert label in text, label
    assert week["unheard"].tracking_code in text
    assert "Sensitive matter" not in text


def test_the_hindi_edition_shapes_devanagari(week):
    pdf = review_report.build(date(2026, 11, 23), "hi")
    text = text_of(pdf)
    # Unit names come from the registry in Hindi; the words of the complaint from its text.
    for words in ("मेरठ", "पुलिस कमिश्नरेट लखनऊ", "मथुरा", "आगरा परिक्षेत्र", "क्षेत्र", "त्रिपाठी", "ज्ञापन", "युद्ध", "शुद्ध",
                  "#बिजली_चोरी"):
        assert words in text, words
    glyphs = glyph_texts(pdf)
    # Shaped: each conjunct is one glyph, and ि is drawn with (before) its consonant as one cluster.
    for conjunct in ("क्ष", "त्र", "ज्ञ", "द्ध"):
        assert conjunct in glyphs, conjunct
    assert any(re.fullmatch(r"[\u0915-\u0939](\u094d[\u0915-\u0939])*\u093f", g) for g in glyphs)


def test_the_command_writes_the_pdf(week, tmp_path):
    out = tmp_path / "review.pdf"
    call_command("weekly_report", "--week", WEEK, "--out", str(out), "--language", "en")
    assert out.read_bytes().startswith(b"%PDF") and "Weekly review 2026-W48" in text_of(out.read_bytes())


def test_a_filed_report_is_kept_as_filed(week, make_complaint, unit):
    first = review_report.file(date(2026, 11, 23), "en", by="test")
    lifecycle.forward(make_complaint(text="late", received_at=at(26)), unit("meerut"))
    again = review_report.file(date(2026, 11, 23), "en")
    assert again.pk == first.pk and bytes(again.pdf) == bytes(first.pdf)
    assert WeeklyReport.objects.count() == 1


def test_a_running_week_is_not_filed(db):
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    with pytest.raises(ValueError):
        review_report.file(monday, "en")


def test_the_monday_job_files_both_editions(week, settings):
    reports = review_report.file_last_week(today=date(2026, 11, 30))
    assert {r.language for r in reports} == {"en", "hi"}
    assert {r.week_start for r in reports} == {date(2026, 11, 23)}
    assert settings.CELERY_BEAT_SCHEDULE["dashboard-weekly-review"]["task"] == "dashboard.tasks.file_weekly_review"
