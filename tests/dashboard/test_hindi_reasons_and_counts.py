"""Issue 16's evidence: why the ingest did not file something is stored as a message code and read in the
reader's language on the pages, in the admin and in the API; counts are whole sentences with the right
plural in both languages and read in lakhs and crores (12,34,567); ids, line numbers and form values are
never grouped. The Hindi comes from the compiled catalogue (locale/hi), so these tests also show that the
strings are in it."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from complaints import lifecycle, reasons
from dashboard import review_pdf
from twitter_ingest.ledger_models import ChargeKind, XCharge
from twitter_ingest.models import Mention, NotFiled, RejectedInput

CITIZEN = {"id": "3000000000000000001", "username": "citizen_a", "name": "Citizen A"}


def _line(*tweets):
    return json.dumps({"data": list(tweets), "includes": {"users": [CITIZEN]},
                       "meta": {"result_count": len(tweets)}}, ensure_ascii=False)


def _tweet(tweet_id, text):
    return {"id": str(tweet_id), "text": text, "author_id": CITIZEN["id"], "created_at": "2026-11-30T10:00:00.000Z",
            "edit_history_tweet_ids": [str(tweet_id)]}


def _ingest(tmp_path, lines):
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError):  # some input is rejected: exit status 3, the rest is filed
        call_command("ingest_file", str(path), "--json", stdout=StringIO())


@pytest.fixture
def rejected_file(tmp_path, db):
    """A file with a truncated line, a tweet whose id is not a tweet id, and a citizen's thanks."""
    _ingest(tmp_path, [
        '{"data": [{"id": "1861000000000000701", "text": "@Uppolice trunc',
        _line({"id": "12ab", "text": "bad id"}),
        _line(_tweet(1861000000000000702, "@Uppolice thank you so much for the quick help, great work")),
    ])


def _hindi(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "hi"
    return client


def test_rejected_input_is_stored_as_codes_not_sentences(rejected_file):
    # Tried: a truncated JSON line and a tweet id with letters in it, through the operator's command.
    stored = dict(RejectedInput.objects.values_list("line", "reason"))
    assert reasons.code_of(stored[1]) == reasons.MALFORMED_JSON_AT
    assert reasons.code_of(stored[2]) == reasons.NOT_A_TWEET_ID
    assert not any(value.startswith(("malformed", "Malformed", "not a", "Not a")) for value in stored.values())
    assert reasons.describe_in("en", stored[2]) == "Not a tweet id: '12ab'."
    assert reasons.describe_in("hi", stored[2]) == "यह ट्वीट आईडी नहीं है: '12ab'।"


def test_the_ingest_health_page_gives_rejected_reasons_in_hindi_and_english(rejected_file, client_for, hq):
    RejectedInput.objects.create(source="old.jsonl", line=9, reason="malformed JSON at column 3: Expecting value")
    hindi = _hindi(client_for(hq)).get(reverse("dashboard:health")).content.decode()
    assert "कॉलम 49 पर JSON त्रुटिपूर्ण है: Unterminated string" in hindi
    assert "यह ट्वीट आईडी नहीं है: &#x27;12ab&#x27;।" in hindi
    assert "Malformed JSON at column" not in hindi and "[not_a_tweet_id]" not in hindi
    # A row stored before the codes still reads as it was written.
    assert "malformed JSON at column 3: Expecting value" in hindi
    english = client_for(hq, HTTP_ACCEPT_LANGUAGE="en").get(reverse("dashboard:health")).content.decode()
    assert "Malformed JSON at column 49: Unterminated string" in english and "कॉलम" not in english


def test_the_not_filed_page_says_why_in_the_readers_language(rejected_file, client_for, hq):
    row = NotFiled.objects.select_related("mention").get()
    assert reasons.code_of(row.mention.reason) == reasons.READ_AS_APPRECIATION
    hindi = _hindi(client_for(hq)).get(reverse("dashboard:not_filed")).content.decode()
    assert "इन शब्दों के कारण धन्यवाद या प्रशंसा माना गया" in hindi and "Read as thanks" not in hindi
    english = client_for(hq, HTTP_ACCEPT_LANGUAGE="en").get(reverse("dashboard:not_filed")).content.decode()
    assert "Read as thanks or praise because of" in english


def test_the_api_gives_rejected_reasons_in_the_language_asked_for(rejected_file, hq, meerut_cell):
    api = APIClient()
    api.force_authenticate(hq)
    hindi = api.get("/api/v1/ingest/rejected/", HTTP_ACCEPT_LANGUAGE="hi")
    assert hindi.status_code == 200
    rows = {row["line"]: row for row in hindi.json()["results"]}
    assert rows[2]["reason"] == "यह ट्वीट आईडी नहीं है: '12ab'।" and rows[2]["reason_code"] == "not_a_tweet_id"
    english = api.get("/api/v1/ingest/rejected/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert {row["line"]: row["reason"] for row in english}[2] == "Not a tweet id: '12ab'."
    # Bad input: a clear error, in Hindi too; a district login may not read it.
    bad = api.get("/api/v1/ingest/rejected/?limit=0", HTTP_ACCEPT_LANGUAGE="hi")
    assert bad.status_code == 400 and "पूर्ण संख्या" in bad.json()["limit"][0]
    district = APIClient()
    district.force_authenticate(meerut_cell)
    assert district.get("/api/v1/ingest/rejected/").status_code == 403


def test_the_admin_reads_mention_reasons_in_hindi(rejected_file, client_for, db, django_user_model):
    admin = django_user_model.objects.create_superuser("root-hi", "root@example.invalid", "x")
    hindi = _hindi(client_for(admin)).get("/admin/twitter_ingest/mention/").content.decode()
    assert "इन शब्दों के कारण धन्यवाद या प्रशंसा माना गया" in hindi
    rejected = _hindi(client_for(admin)).get("/admin/twitter_ingest/rejectedinput/").content.decode()
    assert "यह ट्वीट आईडी नहीं है" in rejected


@pytest.mark.parametrize("language, one, two", [
    ("en", "1 failure in a row.", "2 failures in a row."),
    ("hi", "लगातार 1 विफलता।", "लगातार 2 विफलताएँ।"),
])
def test_stored_counts_choose_their_plural_when_read(language, one, two):
    assert reasons.describe_in(language, reasons.encode(reasons.FAILURES_IN_A_ROW, count=1)) == one
    assert reasons.describe_in(language, reasons.encode(reasons.FAILURES_IN_A_ROW, count=2)) == two


def test_unknown_codes_are_refused_and_broken_rows_show_as_stored():
    with pytest.raises(ValueError):
        reasons.encode("no_such_code")
    for stored in ("[no_such_code]{}", "[retweet]{not json", "[retweet]", "", "plain words [retweet]{}"):
        assert reasons.describe_in("hi", stored) == stored


@pytest.mark.parametrize("language, one, two", [
    ("en", "1 complaint arrived in the shift.", "2 complaints arrived in the shift."),
    ("hi", "पाली में 1 शिकायत प्राप्त हुई।", "पाली में 2 शिकायतें प्राप्त हुईं।"),
])
def test_handover_counts_are_whole_sentences_in_both_plurals(language, one, two, client_for, hq, make_complaint):
    # Tried: the handover page of the shift now, with one complaint in it and then two.
    client = client_for(hq, HTTP_ACCEPT_LANGUAGE=language)
    make_complaint()
    assert one in _text(client.get(reverse("dashboard:handover")).content.decode(), "stat-arrived")
    make_complaint()
    assert two in _text(client.get(reverse("dashboard:handover")).content.decode(), "stat-arrived")


def _text(body, element_id):
    """The text of the element with this id, its tags taken out."""
    import re

    start = body.index(f'id="{element_id}"')
    inner = body[body.index(">", start) + 1:body.index("</div>", start)]
    return re.sub(r"<[^>]+>", "", inner)


@pytest.mark.parametrize("language", ["en", "hi"])
def test_counts_read_in_lakhs_and_crores_in_both_languages(language):
    with translation.override(language):
        rendered = Template("{% load humanize dashboard_tags %}{{ n|intcomma }} {{ n|num }} {{ n }}").render(
            Context({"n": 1234567}))
        assert rendered == '12,34,567 <span class="num">12,34,567</span> 1234567'
        assert review_pdf._fmt(1234567) == "12,34,567" and review_pdf._fmt(1234567.25) == "12,34,567.2"


@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_x_bill_groups_counts_and_leaves_ids_alone(language, client_for, hq, db):
    # Tried: a month in which X returned 12,34,567 posts, with the page read in each language.
    today = date.today()
    XCharge.objects.create(day=today, kind=ChargeKind.POST_READ, units=1234567, cost=Decimal("6172.835"))
    body = client_for(hq, HTTP_ACCEPT_LANGUAGE=language).get(reverse("dashboard:x_bill")).content.decode()
    assert "<td>12,34,567</td>" in body and "1234567" not in body


def test_ids_in_forms_and_links_are_never_grouped(rejected_file, client_for, hq):
    row = NotFiled.objects.get()
    NotFiled.objects.filter(pk=row.pk).update(id=1234567)
    Mention.objects.filter(pk=row.mention_id).update(tweet_id="1861000000000000702")
    for language in ("en", "hi"):
        body = client_for(hq, HTTP_ACCEPT_LANGUAGE=language).get(reverse("dashboard:not_filed")).content.decode()
        assert 'name="pk" value="1234567"' in body and "12,34,567" not in body
        assert "https://x.com/i/status/1861000000000000702" in body


def test_timeline_entries_of_the_ingest_read_in_hindi(make_complaint, client_for, hq):
    # Tried: a complaint filed from a tweet longer than X's longest post, read on the complaint page.
    complaint = make_complaint()
    lifecycle.record(complaint, "text_cut", data={"kept": 25000, "cut": 1234567},
                     note=reasons.encode(reasons.TEXT_CUT, kept=25000, cut=1234567))
    url = reverse("dashboard:complaint", args=[complaint.tracking_code])
    hindi = _hindi(client_for(hq)).get(url).content.decode()
    assert "12,34,567" in hindi and "[text_cut]" not in hindi and "Filed the first" not in hindi
    english = client_for(hq, HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode()
    assert "Filed the first 25,000 characters (X&#x27;s longest post); the other 12,34,567 are kept" in english


def test_a_refused_review_decision_says_why_in_hindi(rejected_file, client_for, hq):
    row = NotFiled.objects.get()
    client = _hindi(client_for(hq))
    client.post(reverse("dashboard:not_filed"), {"action": "file", "pk": row.pk})
    again = client.post(reverse("dashboard:not_filed"), {"action": "file", "pk": row.pk}, follow=True)
    code = NotFiled.objects.get().filed_as.tracking_code
    assert f"पहले से शिकायत {code} के रूप में दर्ज है।" in again.content.decode()


def test_the_senders_reasons_on_the_complaint_page_read_in_hindi(client_for, hq, meerut_complaint, settings):
    # Tried: posting switched off, so the forward to the unit is handed to a person; then gave up after X's errors.
    from twitter_ingest import outbox
    from twitter_ingest.models import Outbox

    settings.X_POST_ENABLED = False
    outbox.send_due()
    row = Outbox.objects.filter(complaint=meerut_complaint).first()
    assert row is not None and reasons.code_of(row.reason) == reasons.POSTING_OFF
    url = reverse("dashboard:complaint", args=[meerut_complaint.tracking_code])
    assert "पोस्ट नहीं हुआ: पोस्ट करना बंद है (X_POST_ENABLED)" in _hindi(client_for(hq)).get(url).content.decode()
    nested = reasons.encode(reasons.GAVE_UP, count=2, detail=reasons.encode(reasons.RETRY_TRANSIENT, detail="503"))
    assert reasons.describe_in("hi", nested) == "2 असफल प्रयासों के बाद छोड़ दिया: X पर अस्थायी त्रुटि: 503"
    assert reasons.describe_in("en", nested) == "Gave up after 2 failed attempts: A transient error at X: 503"
