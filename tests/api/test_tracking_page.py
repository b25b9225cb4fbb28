"""The citizens' tracking page: the stages with IST times, codes typed every which way, nothing internal,
restricted complaints, the satisfied / not satisfied answer, caching headers and the language switch."""

import pytest

from complaints import codes, lifecycle
from complaints.models import Event

pytestmark = pytest.mark.django_db


def page(client, code, **headers):
    return client.get(f"/track/{code}/", **headers)


def test_stages_with_ist_times(client, resolved):
    complaint = resolved("meerut")
    lifecycle.close(complaint, "fir", fir_number="0456/2026")
    html = page(client, complaint.tracking_code).content.decode()
    for words in ("Received", "Forwarded", "Meerut", "@meerutpolice", "Noted by the police", "Action taken",
                  "Both parties called", "Resolved", "Closed", "FIR registered", "0456/2026", " IST"):
        assert words in html, words
    assert "+05:30" in html  # machine-readable <time datetime=...>


def test_reopened_stage_is_shown(client, resolved):
    complaint = lifecycle.reopen(resolved("meerut"), reason="internal: citizen called the DGP office")
    html = page(client, complaint.tracking_code).content.decode()
    assert "Reopened" in html and "internal: citizen called" not in html


def test_nothing_internal_is_shown(client, forwarded, hq, unit):
    complaint = forwarded("meerut", author_contact="9876543210, House 12 Civil Lines", author_name="Sita Devi")
    lifecycle.set_suggestion(complaint, unit("meerut"), "mentioned 'सदर बाजार' → Meerut SECRET-REASON", 0.9)
    lifecycle.add_note(complaint, "INTERNAL-NOTE-TEXT: the SHO is the accused's relative", actor=hq)
    lifecycle.note(complaint, actor=hq, note="HQ-ONLY-NOTE")
    for html in (page(client, complaint.tracking_code).content.decode(),
                 client.get(f"/api/v1/track/{complaint.tracking_code}/").content.decode()):
        for secret in ("INTERNAL-NOTE-TEXT", "HQ-ONLY-NOTE", "hq-sup", "SECRET-REASON", "9876543210",
                       "Sita Devi"):
            assert secret not in html, secret


def test_restricted_complaint_shows_only_the_stage(client, forwarded):
    complaint = forwarded("meerut", is_restricted=True, text="RESTRICTED-TEXT about the victim")
    lifecycle.report(lifecycle.note(complaint), "RESTRICTED-REPORT victim counselled")
    html = page(client, complaint.tracking_code).content.decode()
    assert "Action in progress" in html
    for secret in ("RESTRICTED-TEXT", "RESTRICTED-REPORT", "Meerut", "meerutpolice"):
        assert secret not in html, secret
    body = client.get(f"/api/v1/track/{complaint.tracking_code}/").json()
    assert body["restricted"] is True and body["text"] == "" and body["action_taken_report"] == ""
    assert body["unit"] == "" and all(s["detail"] == "" and s["unit"] == "" for s in body["stages"])


def test_phone_intake_text_is_not_published(client, make_complaint):
    complaint = make_complaint(text="Caller lives at House 12, phone 98765", channel="phone", source_tweet_id=None)
    assert "House 12" not in page(client, complaint.tracking_code).content.decode()


def test_form_redirects_to_the_canonical_page(client, forwarded):
    complaint = forwarded("meerut")
    sloppy = " " + complaint.tracking_code.lower().replace("-", "  ") + " "
    response = client.get("/track/", {"code": sloppy})
    assert response.status_code == 302 and response["Location"] == f"/track/{complaint.tracking_code}/"
    assert client.get("/track/").status_code == 200


def test_devanagari_digits_and_confusables(client, forwarded):
    complaint = forwarded("meerut")
    digits = str.maketrans("0123456789", "०१२३४५६७८९")
    typed = complaint.tracking_code.translate(digits).replace("0", "O")
    response = client.get("/track/", {"code": typed})
    assert response.status_code == 302 and response["Location"].endswith(f"/{complaint.tracking_code}/")
    noncanonical = page(client, complaint.tracking_code.lower())
    assert noncanonical.status_code == 302


def _typo(code):
    body = code.replace("-", "")[3:]
    swapped = body[1] + body[0] + body[2:] if body[0] != body[1] else body[:-1] + codes.ALPHABET[
        (codes.ALPHABET.index(body[-1]) + 1) % 32]
    return codes.format_code(swapped)


@pytest.mark.parametrize("raw, words, status", [
    ("UPP", "not a tracking code", 400),
    ("UPP-1234", "not a tracking code", 400),
    ("UPP-12345-67890-12345", "not a tracking code", 400),
    ("UPP-ÀBCDE-FGHJK", "not a tracking code", 400),
    ("' OR 1=1 --", "not a tracking code", 400),
    ("UPP-7K3M9-Q2XC%", "not a tracking code", 400),
    ("😀" * 10, "not a tracking code", 400),
    ("A" * 5000, "not a tracking code", 400),
    ("\u200b\u200dUPP\u202e", "not a tracking code", 400),
])
def test_bad_codes_on_the_page(client, raw, words, status):
    response = client.get("/track/", {"code": raw})
    assert response.status_code == status
    assert words in response.content.decode()


def test_typo_and_unknown_are_told_apart(client, forwarded):
    complaint = forwarded("meerut")
    typo = client.get("/track/", {"code": _typo(complaint.tracking_code)})
    assert typo.status_code == 400 and "typo" in typo.content.decode()
    unknown = codes.generate()
    while unknown == complaint.tracking_code:
        unknown = codes.generate()
    missing = page(client, unknown)
    assert missing.status_code == 404 and "No complaint has this code" in missing.content.decode()


@pytest.mark.parametrize("raw, expected_code", [
    ("UPP-1234", "malformed_code"), ("' OR 1=1 --", "malformed_code"), ("%E0%A5%A7" * 3, "malformed_code"),
    ("x" * 3000, "malformed_code"), ("UPP-ÀBCDE-FGHJK", "malformed_code"),
])
def test_bad_codes_on_the_api(api, hq, raw, expected_code):
    for url in (f"/api/v1/track/{raw}/", f"/api/v1/complaints/{raw}/"):
        response = api(hq).get(url)
        assert response.status_code == 400, url
        assert response.json()["code"] == expected_code
        assert "tracking code" in response.json()["detail"]


def test_typo_and_unknown_on_the_api(api, hq, forwarded):
    complaint = forwarded("meerut")
    for url in ("/api/v1/track/{}/", "/api/v1/complaints/{}/"):
        typo = api(hq).get(url.format(_typo(complaint.tracking_code)))
        assert typo.status_code == 400 and typo.json()["code"] == "code_typo" and "typo" in typo.json()["detail"]
        assert api(hq).get(url.format(codes.generate())).status_code == 404
        devanagari = complaint.tracking_code.translate(str.maketrans("0123456789", "०१२३४५६७८९"))
        assert api(hq).get(url.format(devanagari)).status_code == 200


def test_satisfied(client, resolved):
    complaint = resolved("meerut")
    assert "satisfied" in page(client, complaint.tracking_code).content.decode()
    form = client.get(f"/track/{complaint.tracking_code}/feedback/")
    assert form.status_code == 200 and "csrfmiddlewaretoken" in form.content.decode()
    response = client.post(f"/track/{complaint.tracking_code}/feedback/", {"answer": "satisfied"})
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    event = Event.objects.get(complaint=complaint, action="citizen_satisfied")
    assert event.actor is None and event.actor_name == "citizen (tracking page)"
    assert "You told us you are satisfied" in page(client, complaint.tracking_code).content.decode()


def test_not_satisfied_files_one_reopen_request_a_day(client, resolved):
    complaint = resolved("meerut")
    url = f"/track/{complaint.tracking_code}/feedback/"
    client.post(url, {"answer": "not_satisfied", "comment": "Nobody came"})
    second = client.post(url, {"answer": "not_satisfied", "comment": "Still nobody"})
    assert "already have your answer" in second.content.decode()
    requests = Event.objects.filter(complaint=complaint, action="reopen_requested")
    assert [e.note for e in requests] == ["Nobody came"]
    complaint.refresh_from_db()
    assert complaint.status == "resolved"  # HQ decides; the citizen only asks


def test_feedback_before_resolution_and_bad_answers(client, forwarded, resolved):
    complaint = forwarded("meerut")
    response = client.post(f"/track/{complaint.tracking_code}/feedback/", {"answer": "satisfied"})
    assert response.status_code == 409 and not Event.objects.filter(action="citizen_satisfied").exists()
    done = resolved("meerut")
    assert client.post(f"/track/{done.tracking_code}/feedback/", {"answer": "maybe"}).status_code == 400


def test_feedback_needs_csrf(resolved):
    from django.test import Client

    complaint = resolved("meerut")
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/track/{complaint.tracking_code}/feedback/", {"answer": "satisfied"}).status_code == 403


def test_cache_headers_and_conditional_get(client, forwarded):
    complaint = forwarded("meerut")
    first = page(client, complaint.tracking_code)
    assert "max-age=30" in first["Cache-Control"] and first["ETag"] and first["Last-Modified"]
    assert "Accept-Language" in first["Vary"]
    again = page(client, complaint.tracking_code, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    lifecycle.note(complaint)
    changed = page(client, complaint.tracking_code, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert "Noted by the police" in changed.content.decode()


def test_language_switch(client, forwarded):
    complaint = forwarded("meerut")
    hindi = client.get(f"/track/{complaint.tracking_code}/?lang=hi")
    assert hindi["Content-Language"] == "hi" and '<html lang="hi">' in hindi.content.decode()
    assert hindi.cookies["django_language"].value == "hi"
    assert "मेरठ" in hindi.content.decode()
    assert page(client, complaint.tracking_code)["Content-Language"] == "hi"  # the cookie keeps it
    assert client.get(f"/track/{complaint.tracking_code}/?lang=en")["Content-Language"] == "en"


def test_hindi_page_is_translated(client, resolved):
    complaint = resolved("meerut")
    html = client.get(f"/track/{complaint.tracking_code}/?lang=hi").content.decode()
    for words in ("निस्तारित", "डायल 112"):
        assert words in html, words
    for english in ("Received", "Noted by the police", "Action taken", "Stages", "Track another complaint"):
        assert english not in html, english
    typo = client.get("/track/", {"code": "UPP-1234", "lang": "hi"}).content.decode()
    assert "यह ट्रैकिंग कोड नहीं है" in typo


def test_a_cached_page_costs_no_query_and_a_change_drops_it(client, forwarded, django_assert_num_queries):
    complaint = forwarded("meerut")
    page(client, complaint.tracking_code)
    with django_assert_num_queries(0):
        assert page(client, complaint.tracking_code).status_code == 200
    lifecycle.note(complaint)
    assert "Noted by the police" in page(client, complaint.tracking_code).content.decode()
