"""The permission matrix: every dashboard page for every role, and the complaint actions across units.
A district never sees or changes another district's complaint."""

import pytest
from django.urls import reverse

from complaints.models import Complaint, Event, Status

ROLES = ["anonymous", "hq", "hq_operator", "meerut_cell", "bareilly_cell", "meerut_range", "no_profile"]
HQ_ONLY = {"hq": 200, "hq_operator": 200, "meerut_cell": 403, "bareilly_cell": 403, "meerut_range": 403,
           "no_profile": 403}
ANY_STAFF = {"hq": 200, "hq_operator": 200, "meerut_cell": 200, "bareilly_cell": 200, "meerut_range": 200,
             "no_profile": 403}
CELLS_AND_HQ = {**HQ_ONLY, "meerut_cell": 200, "bareilly_cell": 200}
SUPERVISORS_AND_HQ = {**HQ_ONLY, "meerut_range": 200}

PAGES = {
    ("dashboard:home", ()): {**{r: 302 for r in ROLES}, "no_profile": 403},
    ("dashboard:inbox", ()): HQ_ONLY,
    ("dashboard:inbox_rows", ()): HQ_ONLY,
    ("dashboard:intake", ()): HQ_ONLY,
    ("dashboard:health", ()): HQ_ONLY,
    ("dashboard:good_work", ()): HQ_ONLY,
    ("dashboard:reply_new", ()): HQ_ONLY,
    ("dashboard:complaints", ()): ANY_STAFF,
    ("dashboard:handover", ()): ANY_STAFF,
    ("dashboard:replies", ()): ANY_STAFF,
    ("dashboard:export_complaints", ("csv",)): ANY_STAFF,
    ("dashboard:export_complaints", ("xlsx",)): ANY_STAFF,
    ("dashboard:queue", ()): CELLS_AND_HQ,
    ("dashboard:supervise", ()): SUPERVISORS_AND_HQ,
    ("dashboard:league", ()): SUPERVISORS_AND_HQ,
    ("dashboard:export_league", ("csv",)): SUPERVISORS_AND_HQ,
    ("dashboard:export_league", ("xlsx",)): SUPERVISORS_AND_HQ,
}
CASES = [(name, args, role, expected.get(role, 302))
         for (name, args), expected in PAGES.items() for role in ROLES]


@pytest.fixture
def login(request, client_for):
    def make(role):
        user = None if role == "anonymous" else request.getfixturevalue(role)
        return client_for(user)
    return make


@pytest.mark.parametrize("name,args,role,expected", CASES, ids=[f"{n}{a}-{r}" for n, a, r, _e in CASES])
def test_page_matrix(login, meerut_complaint, name, args, role, expected):
    response = login(role).get(reverse(name, args=args))
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


DETAIL = {
    # role: (meerut complaint, bareilly complaint)
    "anonymous": (302, 302),
    "hq": (200, 200),
    "hq_operator": (200, 200),
    "meerut_cell": (200, 404),
    "bareilly_cell": (404, 200),
    "meerut_range": (200, 404),
    "no_profile": (403, 403),
}


@pytest.mark.parametrize("role", ROLES)
def test_complaint_page_matrix(login, meerut_complaint, bareilly_complaint, role):
    client = login(role)
    for complaint, expected in zip((meerut_complaint, bareilly_complaint), DETAIL[role]):
        assert client.get(reverse("dashboard:complaint", args=[complaint.tracking_code])).status_code == expected


def test_unknown_or_malformed_code_is_404(login):
    client = login("hq")
    assert client.get("/c/UPP-AAAAA-AAAAA/").status_code == 404
    assert client.get("/c/not-a-code/").status_code == 404


def _post(client, complaint, action, **data):
    data.setdefault("version", complaint.version)
    return client.post(reverse("dashboard:act", args=[complaint.tracking_code, action]), data)


NOTE_MATRIX = {
    # role: status code of "Noted" on the Meerut complaint, and whether it changes
    "anonymous": (302, False),
    "hq": (302, True),
    "hq_operator": (302, True),
    "meerut_cell": (302, True),
    "bareilly_cell": (404, False),
    "meerut_range": (403, False),
    "no_profile": (403, False),
}


@pytest.mark.parametrize("role", ROLES)
def test_noted_action_matrix(login, meerut_complaint, role):
    code, changes = NOTE_MATRIX[role]
    response = _post(login(role), meerut_complaint, "note")
    assert response.status_code == code
    fresh = Complaint.objects.get(pk=meerut_complaint.pk)
    assert (fresh.status == Status.NOTED) is changes
    assert fresh.events.filter(action="note").exists() is changes


def test_district_cannot_change_other_districts_complaint(login, bareilly_complaint):
    client = login("meerut_cell")
    before = Complaint.objects.get(pk=bareilly_complaint.pk).version
    for action, data in [("note", {}), ("report", {"text": "done"}), ("set_category", {"category": "action"}),
                         ("request_transfer", {"reason": "not ours"}), ("add_note", {"text": "x"})]:
        assert _post(client, bareilly_complaint, action, **data).status_code == 404
    assert Complaint.objects.get(pk=bareilly_complaint.pk).version == before


def test_cell_cannot_take_hq_actions(login, meerut_complaint, new_complaint):
    client = login("meerut_cell")
    assert _post(client, meerut_complaint, "transfer", unit="bareilly").status_code == 403
    assert _post(client, meerut_complaint, "set_restricted", restricted="on").status_code == 403
    assert Complaint.objects.get(pk=meerut_complaint.pk).unit.slug == "meerut"
    # A new complaint has no unit yet, so no district sees it at all.
    assert _post(client, new_complaint, "forward", unit="meerut").status_code == 404


def test_supervisor_nudges_and_the_unit_sees_it(login, meerut_complaint):
    response = _post(login("meerut_range"), meerut_complaint, "nudge", note="Please note this today")
    assert response.status_code == 302
    assert meerut_complaint.events.filter(action="nudge", note="Please note this today").exists()
    queue = login("meerut_cell").get(reverse("dashboard:queue"))
    assert "Please note this today" in queue.content.decode()
    assert _post(login("bareilly_cell"), meerut_complaint, "nudge", note="x").status_code == 404
    assert _post(login("meerut_cell"), meerut_complaint, "nudge", note="x").status_code == 403


def test_lists_and_exports_are_scoped(login, meerut_complaint, bareilly_complaint):
    client = login("meerut_cell")
    for url in (reverse("dashboard:complaints"), reverse("dashboard:queue"), reverse("dashboard:handover")):
        body = client.get(url).content.decode()
        assert meerut_complaint.tracking_code in body
        assert bareilly_complaint.tracking_code not in body
    csv_body = b"".join(client.get(reverse("dashboard:export_complaints", args=["csv"])).streaming_content).decode()
    assert meerut_complaint.tracking_code in csv_body and bareilly_complaint.tracking_code not in csv_body
    supervisor = login("meerut_range").get(reverse("dashboard:supervise")).content.decode()
    assert meerut_complaint.tracking_code in supervisor and bareilly_complaint.tracking_code not in supervisor


def test_restricted_complaint_hidden_from_undesignated_staff(login, hq, meerut_complaint):
    from complaints import lifecycle

    lifecycle.set_restricted(meerut_complaint, True, actor=hq)
    assert login("meerut_cell").get(reverse("dashboard:complaint", args=[meerut_complaint.tracking_code])).status_code == 404
    csv_body = b"".join(login("meerut_range").get(
        reverse("dashboard:export_complaints", args=["csv"])).streaming_content).decode()
    assert meerut_complaint.tracking_code not in csv_body
    assert login("hq").get(reverse("dashboard:complaint", args=[meerut_complaint.tracking_code])).status_code == 200


def test_only_actions_allowed_in_state_and_for_user_are_offered(login, meerut_complaint):
    body = login("meerut_cell").get(reverse("dashboard:complaint", args=[meerut_complaint.tracking_code])).content.decode()
    assert 'id="action-note"' in body and 'id="action-request_transfer"' in body
    assert 'id="action-resolve"' not in body  # not yet in progress
    assert 'id="action-forward"' not in body and 'id="action-transfer"' not in body  # HQ's
    body = login("meerut_range").get(reverse("dashboard:complaint", args=[meerut_complaint.tracking_code])).content.decode()
    assert 'id="action-nudge"' in body and 'id="action-note"' not in body
    assert Event.objects.filter(complaint=meerut_complaint).count() == 2  # reading changed nothing


def test_login_and_logout(client, hq):
    response = client.post("/accounts/login/", {"username": "hq-sup", "password": "pw-hq-sup"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").headers["Location"] == reverse("dashboard:inbox")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get(reverse("dashboard:inbox")).status_code == 302


def test_refusals_use_the_dashboard_pages(login, bareilly_complaint):
    client = login("meerut_cell")
    assert "Not found" in client.get(reverse("dashboard:complaint", args=[bareilly_complaint.tracking_code])).content.decode()
    assert "Not allowed" in client.get(reverse("dashboard:inbox")).content.decode()


def test_actions_that_do_not_apply_to_the_state_are_not_offered_or_done(login, hq, meerut_complaint, new_complaint):
    from complaints import lifecycle

    def offered(who, complaint):
        body = login(who).get(reverse("dashboard:complaint", args=[complaint.tracking_code])).content.decode()
        return {name for name in ("request_transfer", "nudge", "transfer", "forward", "resolve")
                if f'id="action-{name}"' in body}

    # A new complaint: no unit to nudge; HQ, who may transfer, is never offered "ask HQ to transfer".
    assert offered("hq", new_complaint) == {"forward"}
    assert offered("hq", meerut_complaint) == {"nudge", "transfer"}
    # Resolved: a transfer is no longer possible, so the cell is not offered to ask for one, nor the
    # supervisor to nudge; posting it anyway (a stale page) is refused and records nothing.
    c = lifecycle.note(meerut_complaint, actor=hq)
    c = lifecycle.report(c, "थाना ने जाँच की", actor=hq)
    c = lifecycle.resolve(c, actor=hq)
    assert "request_transfer" not in offered("meerut_cell", c)
    assert "nudge" not in offered("meerut_range", c)
    events = Event.objects.filter(complaint=c).count()
    response = _post(login("meerut_cell"), c, "request_transfer", reason="not ours")
    assert response.status_code == 400 and 'id="top-error"' in response.content.decode()
    assert Event.objects.filter(complaint=c).count() == events
