"""Throttling per client address (page and public API share one rule), the friendly 429, and the
client address behind a reverse proxy only when the proxy is trusted."""

import pytest
from django.test import RequestFactory

from complaints.api.throttling import client_address

pytestmark = pytest.mark.django_db


def test_31st_page_lookup_in_a_minute_is_a_friendly_429(client, forwarded):
    code = forwarded("meerut").tracking_code
    for _ in range(30):
        assert client.get(f"/track/{code}/").status_code == 200
    response = client.get(f"/track/{code}/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    html = response.content.decode()
    assert "कृपया थोड़ी देर रुकें" in html and "Please wait a moment" in html
    assert "no-store" in response["Cache-Control"]


def test_page_and_api_share_the_rule(client, api, forwarded):
    code = forwarded("meerut").tracking_code
    for i in range(30):
        url = f"/track/{code}/" if i % 2 else f"/api/v1/track/{code}/"
        assert client.get(url).status_code == 200
    response = api().get(f"/api/v1/track/{code}/")
    assert response.status_code == 429 and "Retry-After" in response


def test_bad_codes_count_too(client):
    for _ in range(30):
        client.get("/track/", {"code": "UPP-00000-00000"})
    assert client.get("/track/", {"code": "UPP-00000-00000"}).status_code == 429


def test_the_form_without_a_code_is_not_counted(client):
    for _ in range(40):
        assert client.get("/track/").status_code == 200


def test_other_addresses_are_not_affected(client, forwarded):
    code = forwarded("meerut").tracking_code
    for _ in range(31):
        client.get(f"/track/{code}/", REMOTE_ADDR="10.0.0.1")
    assert client.get(f"/track/{code}/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_rate_is_read_from_settings(client, forwarded, settings):
    settings.TRACK_THROTTLE = "2/min"
    code = forwarded("meerut").tracking_code
    assert [client.get(f"/track/{code}/").status_code for _ in range(3)] == [200, 200, 429]


def test_forwarded_header_is_ignored_unless_trusted(client, forwarded, settings):
    code = forwarded("meerut").tracking_code
    for i in range(31):  # a client rotating a forged X-Forwarded-For gains nothing
        last = client.get(f"/track/{code}/", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert last.status_code == 429


def test_behind_a_trusted_proxy_each_citizen_counts_separately(client, forwarded, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    code = forwarded("meerut").tracking_code
    for _ in range(31):
        client.get(f"/track/{code}/", HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="127.0.0.1")
    assert client.get(f"/track/{code}/", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert client.get(f"/track/{code}/", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


@pytest.mark.parametrize("header, proxies, remote, expected", [
    (None, ["127.0.0.1"], "10.1.1.1", "10.1.1.1"),
    ("203.0.113.9", ["127.0.0.1"], "127.0.0.1", "203.0.113.9"),
    ("6.6.6.6, 203.0.113.9", ["127.0.0.1"], "127.0.0.1", "203.0.113.9"),  # the left entry is the client's own claim
    ("6.6.6.6, 203.0.113.9, 10.0.0.5", ["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "203.0.113.9"),  # two proxies
    ("203.0.113.9", ["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "203.0.113.9"),  # fewer entries than proxies
    ("203.0.113.9", ["10.0.0.0/8"], "127.0.0.1", "127.0.0.1"),             # the peer is not a trusted proxy
    ("not-an-ip", ["127.0.0.1"], "127.0.0.1", "127.0.0.1"),
    ("", ["127.0.0.1"], "127.0.0.1", "127.0.0.1"),
    ("2001:db8::1", ["127.0.0.1"], "127.0.0.1", "2001:db8::1"),
])
def test_client_address_from_trusted_header(settings, header, proxies, remote, expected):
    settings.TRUSTED_PROXIES = proxies
    extra = {"REMOTE_ADDR": remote}
    if header is not None:
        extra["HTTP_X_FORWARDED_FOR"] = header
    assert client_address(RequestFactory().get("/", **extra)) == expected


def test_client_address_without_trust(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "10.9.9.9"


def test_api_anonymous_and_user_throttles(api, hq, settings, client):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "4/min"}}
    anonymous = [api().get("/api/schema/").status_code for _ in range(4)]
    assert anonymous == [200, 200, 200, 429]
    logged_in = [api(hq).get("/api/v1/units/").status_code for _ in range(5)]
    assert logged_in == [200, 200, 200, 200, 429]


def test_open311_is_throttled(client, settings):
    settings.OPEN311_THROTTLE = "2/min"
    assert [client.get("/open311/v2/services.json").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/open311/v2/services.json").json()[0]["code"] == 429


def test_lookups_are_counted_for_metrics(client, api, forwarded, settings):
    from complaints import metrics

    settings.TRACK_THROTTLE = "6/min"
    code = forwarded("meerut").tracking_code
    client.get(f"/track/{code}/")
    api().get(f"/api/v1/track/{code}/")
    client.get("/track/", {"code": "UPP-1234"})
    api().get("/api/v1/track/UPP-00000-00001/")
    client.get("/track/UPP-00000-00000/")
    for _ in range(3):
        client.get(f"/track/{code}/")
    counts = metrics.lookups()
    assert counts["malformed"] == 1 and counts["throttled"] == 2
    assert counts["found"] == 3 and counts["typo"] == 1 and counts["not_found"] == 1
