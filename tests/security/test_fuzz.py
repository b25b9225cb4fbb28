"""No server error on bad input, and nothing changed by it. Hypothesis throws arbitrary text (control
characters, NUL, right-to-left marks, Devanagari digits, very long strings, near-codes) at the public
tracking page (codes, query strings, headers, feedback bodies), at Open311, at the API's cursor, and at
HQ's intake form; every answer must be below 500, and input that is refused must leave every complaint,
event and message as it was. The API as a whole is fuzzed against its schema in
tests/api/test_schemathesis.py. Bounded to stay well under a minute per database (FUZZ_EXAMPLES)."""

import base64
import os
from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from rest_framework.test import APIClient

from complaints import codes, lifecycle
from complaints.models import Complaint, Event, Message

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = hypothesis_settings(max_examples=EXAMPLES, deadline=None,
                           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Text people and programs really send, beside whatever Hypothesis makes up.
TRICKY = st.sampled_from([
    "", " ", "\x00", "UPP-\x00", "upp 7k3m9 q2xcf", "UPP-७K३M९-Q२XCF", "\u202eUPP-7K3M9-Q2XCF", "UPP--", "%00",
    "../../etc/passwd", "' OR 1=1 --", "<script>alert(1)</script>", "9" * 400, "😀" * 50, "UPP-OOOOO-IIIII",
    "https://x.com/a/status/18621000000000000001", "https://x.com/a/status/99999999999999999999999",
    "https://twitter.com/i/web/status/1862100000000000001?s=20", "javascript:alert(1)", "\r\nSet-Cookie: x=1",
])
TEXT = st.one_of(TRICKY, st.text(max_size=300), st.text(alphabet=st.characters(codec="utf-8"), max_size=40))


@pytest.fixture(autouse=True)
def no_limits(settings):
    """The limits answer 429 (tested on their own); here they would only hide what is behind them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TRACK_THROTTLE = settings.OPEN311_THROTTLE = ""
    settings.TRACK_FEEDBACK_PER_ADDRESS = settings.TRACK_FEEDBACK_PER_CODE = ""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def known(forwarded, make_complaint):
    """Codes of complaints that exist: open, resolved, restricted, rejected."""
    resolved = lifecycle.note(forwarded("meerut"))
    lifecycle.report(resolved, "Both parties were called to the station and the dispute was settled.")
    lifecycle.resolve(resolved)
    rejected = lifecycle.reject(make_complaint(), "Not a complaint")
    return [forwarded("bareilly").tracking_code, resolved.tracking_code, rejected.tracking_code,
            forwarded("agra", is_restricted=True, source_tweet_id="1862100000000000001").tracking_code]


def state():
    return (list(Complaint.objects.order_by("pk").values_list("pk", "status", "version", "updated_at")),
            Event.objects.count(), Message.objects.count())


def near(codes_):
    """A real code as people mistype it, or whole."""
    return st.sampled_from(codes_).flatmap(lambda code: st.one_of(
        st.just(code), st.just(code.lower().replace("-", " ")),
        st.integers(0, len(code) - 1).map(lambda i: code[:i] + code[i + 1:]),
        st.tuples(st.integers(0, len(code) - 1), st.characters()).map(lambda p: code[:p[0]] + p[1] + code[p[0] + 1:]),
    ))


# ---------------------------------------------------------------- the public tracking page

@FUZZ
@given(data=st.data())
def test_tracking_page_never_fails_on_any_code_query_or_header(data, known):
    code = data.draw(st.one_of(TEXT, near(known)), label="code")
    query = data.draw(st.dictionaries(st.sampled_from(["code", "lang", "next", "x", "cursor"]), TEXT, max_size=3))
    headers = {"HTTP_ACCEPT_LANGUAGE": data.draw(TEXT), "HTTP_IF_NONE_MATCH": data.draw(TEXT)}
    before = state()
    client = Client()
    for url in (f"/track/{quote(code, safe='')}/", f"/track/?{urlencode({**query, 'code': code})}",
                f"/api/v1/track/{quote(code, safe='')}/"):
        response = client.get(url, **headers)
        assert response.status_code < 500, (url, response.status_code)
    assert state() == before


@FUZZ
@given(data=st.data())
def test_feedback_never_fails_and_bad_answers_change_nothing(data, known):
    code = data.draw(st.one_of(TEXT, near(known)), label="code")
    body = data.draw(st.dictionaries(st.sampled_from(["answer", "comment", "csrfmiddlewaretoken", "x"]), TEXT,
                                     max_size=4), label="body")
    body["answer"] = data.draw(st.one_of(TEXT, st.sampled_from(["Satisfied", "satisfied ", "not-satisfied"])),
                               label="answer")
    before = state()
    response = Client().post(f"/track/{quote(code, safe='')}/feedback/", body)
    assert response.status_code < 500
    assert response.status_code in (400, 404, 409)
    assert state() == before


# ---------------------------------------------------------------- Open311 and the API's cursor

@FUZZ
@given(data=st.data())
def test_open311_never_fails(data, known):
    ident = data.draw(st.one_of(TEXT, near(known), st.uuids().map(str)), label="id")
    query = data.draw(st.dictionaries(st.sampled_from(["service_request_id", "service_code", "status", "start_date",
                                                       "end_date", "jurisdiction_id"]), TEXT, max_size=4))
    before = state()
    client = Client()
    for url in (f"/open311/v2/requests/{quote(ident, safe='')}.json", f"/open311/v2/requests.json?{urlencode(query)}"):
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        assert response.status_code in (200, 400, 404)
    assert state() == before


def cursors():
    """Cursors as DRF writes them (base64 of o=&r=&p=) with made-up values, and anything else."""
    position = st.one_of(TEXT, st.datetimes().map(str), st.integers().map(str), st.just("2026-11-01 00:00:00"))
    made = st.tuples(st.one_of(st.integers(-5, 10**30).map(str), TEXT), st.sampled_from(["0", "1", "2", "x"]),
                     position).map(lambda t: urlencode({"o": t[0], "r": t[1], "p": t[2]}))
    return st.one_of(TEXT, made.map(lambda q: base64.b64encode(q.encode()).decode()))


@FUZZ
@given(cursor=cursors(), ordering=st.sampled_from(["", "received_at", "-received_at", "id", "-id", "text"]))
def test_a_made_up_cursor_is_a_bad_value_never_a_server_error(cursor, ordering, hq, known):
    client = APIClient()
    client.force_login(hq)
    response = client.get("/api/v1/complaints/", {"cursor": cursor, "ordering": ordering, "page_size": 2})
    assert response.status_code in (200, 400), (cursor, response.status_code)
    if response.status_code == 400 and "cursor" not in response.json():
        assert response.json()["code"] == "invalid_cursor"


def test_the_cursors_a_page_hands_out_still_work(hq, known):
    client = APIClient()
    client.force_login(hq)
    page = client.get("/api/v1/complaints/", {"page_size": 2, "ordering": "id"}).json()
    seen = [r["tracking_code"] for r in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [r["tracking_code"] for r in page["results"]]
    assert sorted(seen) == sorted(known)


# ---------------------------------------------------------------- HQ's intake form

@FUZZ
@given(data=st.data())
def test_intake_never_fails_and_refused_input_changes_nothing(data, hq_operator, known):
    form = {name: data.draw(TEXT, label=name) for name in ("tweet_url", "text", "author_name", "author_username",
                                                           "author_contact", "author_location")}
    form["channel"] = data.draw(st.one_of(st.sampled_from(["x", "phone", "walk_in", "other"]), TEXT), label="channel")
    before = state()
    client = Client()
    client.force_login(hq_operator)
    response = client.post("/intake/", form)
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert state() == before
    else:
        filed = Complaint.objects.get(tracking_code=codes.normalise(response["Location"].split("/")[-2]))
        assert filed.events.get().action == "file"
