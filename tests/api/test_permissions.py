"""The permission matrix: every endpoint for every persona. A unit's cell never reads or changes another
unit's complaint through the API (404, so the API does not even reveal that it exists); supervisors read
but do not change; anonymous callers get nothing but the public lookup."""

import pytest

from complaints import lifecycle
from complaints.models import Complaint, Event

from .conftest import PERSONAS

pytestmark = pytest.mark.django_db

DENIED = 401  # not signed in: told so, with the scheme to use (WWW-Authenticate: Token)


@pytest.fixture
def two_units(forwarded):
    return {"meerut": forwarded("meerut"), "bareilly": forwarded("bareilly")}


LIST_SEES = {
    "hq": {"meerut", "bareilly"}, "hq_operator": {"meerut", "bareilly"}, "meerut_cell": {"meerut"},
    "bareilly_cell": {"bareilly"}, "meerut_range": {"meerut"},
}


@pytest.mark.parametrize("name", PERSONAS)
def test_list(name, persona, api, two_units):
    response = api(persona(name)).get("/api/v1/complaints/")
    if name == "anonymous":
        assert response.status_code == DENIED
        return
    codes = {r["tracking_code"] for r in response.json()["results"]}
    assert codes == {two_units[u].tracking_code for u in LIST_SEES[name]}


@pytest.mark.parametrize("name", PERSONAS)
def test_retrieve_another_units_complaint_is_404(name, persona, api, two_units):
    response = api(persona(name)).get(f"/api/v1/complaints/{two_units['meerut'].tracking_code}/")
    expected = {"anonymous": DENIED, "bareilly_cell": 404}.get(name, 200)
    assert response.status_code == expected


def test_login_without_profile_is_refused(api, no_profile, two_units):
    assert api(no_profile).get("/api/v1/complaints/").status_code == 403


def test_restricted_is_hidden_from_operator_and_cell(api, hq, hq_operator, meerut_cell, forwarded):
    secret = forwarded("meerut", is_restricted=True)
    url = f"/api/v1/complaints/{secret.tracking_code}/"
    assert api(hq).get(url).status_code == 200
    assert api(hq_operator).get(url).status_code == 404
    assert api(meerut_cell).get(url).status_code == 404


# action → (how to prepare a meerut complaint in a state that allows it, body, may a cell do it)
def _new_in_meerut(make_complaint, unit, **_):
    return make_complaint(unit=unit("meerut"))


def _transferred_to_meerut(forwarded, **_):
    return lifecycle.transfer(forwarded("bareilly"), "meerut")


def _forwarded(forwarded, **_):
    return forwarded("meerut")


def _noted(forwarded, **_):
    return lifecycle.note(forwarded("meerut"))


def _in_progress(forwarded, **_):
    return lifecycle.report(lifecycle.note(forwarded("meerut")), "Beat constable visited the spot.")


def _resolved(forwarded, **_):
    return lifecycle.resolve(_in_progress(forwarded))


ACTIONS = {
    "forward": (_transferred_to_meerut, lambda ctx: {"unit": "meerut"}, False),
    "note": (_forwarded, lambda ctx: {}, True),
    "assign-station": (_noted, lambda ctx: {"police_station": ctx["station"].pk}, True),
    "report": (_noted, lambda ctx: {"text": "Both parties called to the police station."}, True),
    "resolve": (_in_progress, lambda ctx: {}, True),
    "close": (_resolved, lambda ctx: {"outcome": "ncr"}, True),
    "reopen": (_resolved, lambda ctx: {"reason": "The citizen says nothing happened."}, False),
    "transfer": (_forwarded, lambda ctx: {"unit": "bareilly"}, False),
    "merge": (_forwarded, lambda ctx: {"into": ctx["forwarded"]("meerut").tracking_code}, False),
    "reject": (_new_in_meerut, lambda ctx: {"reason": "Not a complaint"}, False),
    "add-note": (_forwarded, lambda ctx: {"text": "Spoke to the SHO"}, True),
}


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("action", ACTIONS)
def test_action_matrix(action, name, persona, api, forwarded, make_complaint, unit, station):
    prepare, body, cell_may = ACTIONS[action]
    complaint = prepare(forwarded=forwarded, make_complaint=make_complaint, unit=unit)
    payload = body({"station": station, "forwarded": forwarded})
    events_before = Event.objects.filter(complaint=complaint).count()
    response = api(persona(name)).post(f"/api/v1/complaints/{complaint.tracking_code}/{action}/", payload,
                                       format="json")
    expected = {
        "anonymous": DENIED, "hq": 200, "hq_operator": 200, "bareilly_cell": 404, "meerut_range": 403,
        "meerut_cell": 200 if cell_may else 403,
    }[name]
    assert response.status_code == expected, response.content
    changed = Event.objects.filter(complaint=complaint).count() > events_before
    assert changed == (expected == 200)
    if expected == 200:
        assert response.json()["version"] == Complaint.objects.get(pk=complaint.pk).version


@pytest.mark.parametrize("name", PERSONAS)
def test_create(name, persona, api):
    response = api(persona(name)).post("/api/v1/complaints/", {"text": "Phone call: chain snatching near the market",
                                                              "channel": "phone"}, format="json")
    expected = {"hq": 201, "hq_operator": 201, "anonymous": DENIED}.get(name, 403)
    assert response.status_code == expected
    assert Complaint.objects.count() == (1 if expected == 201 else 0)


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("url", ["/api/v1/units/", "/api/v1/categories/", "/api/v1/stats/", "/api/v1/units/meerut/"])
def test_reference_endpoints_need_a_login(url, name, persona, api):
    assert api(persona(name)).get(url).status_code == (DENIED if name == "anonymous" else 200)


@pytest.mark.parametrize("name", PERSONAS)
def test_stats_are_limited_to_visible_units(name, persona, api, two_units):
    if name == "anonymous":
        return
    units = {r["unit"] for r in api(persona(name)).get("/api/v1/stats/").json()["units"] if r["received"]}
    assert units == LIST_SEES[name]


@pytest.mark.parametrize("name", PERSONAS)
def test_public_lookup_is_open_to_all(name, persona, api, two_units):
    response = api(persona(name)).get(f"/api/v1/track/{two_units['bareilly'].tracking_code}/")
    assert response.status_code == 200 and "author_username" not in response.json()


def test_merge_into_a_complaint_the_user_cannot_see(api, hq_operator, forwarded):
    source, hidden = forwarded("meerut"), forwarded("meerut", is_restricted=True)
    response = api(hq_operator).post(f"/api/v1/complaints/{source.tracking_code}/merge/",
                                     {"into": hidden.tracking_code}, format="json")
    assert response.status_code == 400 and "into" in response.json()
