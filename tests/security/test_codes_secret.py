"""Tracking codes stay secret. A code is the complainant's key (the tracking page, feedback, reopen
requests), so nothing anonymous that lists or searches hands one out: Open311 names requests by a
random public id, made for every complaint however it is written (the lifecycle, bulk ingest,
generate_load, rows inserted around the ORM, rows already there when the id was added). Answers from the
tracking page are limited per code and per client address, never change a complaint, and reach staff
marked as coming from the tracking page."""

import re
import uuid

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from complaints import lifecycle
from complaints.models import Complaint, Event, Status

pytestmark = pytest.mark.django_db

CODE = re.compile(r"UPP-?[0-9A-Z]{5}-?[0-9A-Z]{5}")
BEFORE = ("complaints", "0005_sqlite_append_only_events")
AFTER = ("complaints", "0006_open311_public_id")


@pytest.fixture(autouse=True)
def clean_cache(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def resolved(forwarded):
    def make(slug="meerut", **fields):
        complaint = lifecycle.note(forwarded(slug, **fields))
        lifecycle.report(complaint, "Both parties were called to the station and the dispute was settled.")
        return lifecycle.resolve(complaint)

    return make


def codes_in(response):
    return set(CODE.findall(response.content.decode()))


# ---------------------------------------------------------------- Open311 and other anonymous reads

def test_open311_lists_public_ids_and_never_a_code(client, forwarded, resolved):
    complaints = [forwarded("meerut"), resolved("bareilly"), forwarded("agra")]
    listing = client.get("/open311/v2/requests.json")
    assert listing.status_code == 200
    assert codes_in(listing) == set()
    ids = [item["service_request_id"] for item in listing.json()]
    assert sorted(ids) == sorted(str(c.public_id) for c in complaints)
    for complaint in complaints:
        public_id = uuid.UUID(str(complaint.public_id))
        assert public_id.version == 4  # random, not derived from the code or the row
        assert complaint.tracking_code.replace("-", "").lower() not in public_id.hex
    for query in ("?status=open", "?status=closed", f"?service_request_id={complaints[0].public_id}",
                  f"?service_request_id={complaints[0].tracking_code}"):
        assert codes_in(client.get("/open311/v2/requests.json" + query)) == set(), query


def test_open311_lookup_by_code_still_works_for_whoever_has_it(client, forwarded):
    complaint, secret = forwarded("meerut"), forwarded("meerut", is_restricted=True)
    by_id = client.get(f"/open311/v2/requests/{complaint.public_id}.json")
    by_code = client.get(f"/open311/v2/requests/{complaint.tracking_code.lower().replace('-', ' ')}.json")
    assert by_id.status_code == by_code.status_code == 200 and by_id.json() == by_code.json()
    assert by_id.json()[0]["service_request_id"] == str(complaint.public_id) and codes_in(by_id) == set()
    # A restricted complaint is no service request, whichever way it is asked for.
    not_found = client.get(f"/open311/v2/requests/{uuid.uuid4()}.json")
    for ident in (secret.public_id, secret.tracking_code):
        response = client.get(f"/open311/v2/requests/{ident}.json")
        assert (response.status_code, response.json()) == (not_found.status_code, not_found.json()) == (
            404, [{"code": 404, "description": "No service request has this id."}])
    assert client.get("/open311/v2/requests/not-an-id.json").status_code == 400


def test_nothing_anonymous_hands_out_another_complaints_code(client, forwarded, resolved, make_complaint):
    mine = forwarded("meerut")
    others = {forwarded("bareilly").tracking_code, resolved("agra").tracking_code, make_complaint().tracking_code}
    pages = ["/open311/v2/requests.json", "/open311/v2/services.json", "/api/schema/?format=json", "/api/v1/",
             "/api/v1/complaints/", f"/api/v1/complaints/?q={mine.author_username}", "/api/v1/units/",
             "/api/v1/categories/", f"/api/v1/track/{mine.tracking_code}/", f"/track/{mine.tracking_code}/",
             f"/track/?code={mine.tracking_code}", f"/track/{mine.tracking_code}/feedback/"]
    for page in pages:
        response = client.get(page, follow=True)
        assert response.status_code < 500, page
        assert not codes_in(response) & others, page
    for page in ("/api/v1/complaints/", "/api/v1/units/", "/api/v1/categories/"):
        assert client.get(page).status_code in (401, 403), page


# ---------------------------------------------------------------- every complaint gets its public id

def test_every_way_of_writing_complaints_gives_each_its_own_public_id(make_complaint):
    make_complaint()
    filed = lifecycle.file_complaints([{"text": f"Bulk complaint {i}", "source_tweet_id": str(1862000000000000000 + i)}
                                       for i in range(5)])
    assert all(isinstance(c, Complaint) for c in filed)
    call_command("generate_load", complaints=30, seed=3, no_progress=True, batch=10)
    # A writer that goes around the ORM (the benchmarks' COPY and INSERT ... SELECT) lists no public_id.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO complaints_complaint (tracking_code, channel, conversation_id, author_id, author_username,"
            " author_name, author_location, author_contact, text, language, received_at, status, priority,"
            " urgent_terms, is_restricted, noted_tweet_id, action_taken_report, outcome, fir_number,"
            " rejection_reason, suggestion_reason, updated_at, version) SELECT 'UPB-' || id, 'x', '', '', '', '',"
            " '', '', 'bench', '', received_at, 'new', 'normal', '[]', is_restricted, '', '', '', '', '', '',"
            " received_at, 1 FROM complaints_complaint")
    ids = list(Complaint.objects.values_list("public_id", flat=True))
    assert len(ids) == 2 * 36 and None not in ids and len(set(ids)) == len(ids)


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_complaints_their_own_public_ids():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    Old = executor.loader.project_state(BEFORE).apps.get_model("complaints", "Complaint")
    Old.objects.bulk_create([Old(tracking_code=f"UPB-OLD{i:04d}", text=f"Filed before {i}") for i in range(25)])
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
        with connection.cursor() as cursor:
            cursor.execute("SELECT public_id FROM complaints_complaint WHERE tracking_code LIKE 'UPB-OLD%%'")
            ids = [row[0] for row in cursor.fetchall()]
        assert len(ids) == 25 and None not in ids and len(set(ids)) == 25
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


# ---------------------------------------------------------------- answers from the tracking page

def feedback(client, complaint, answer="not_satisfied", address="203.0.113.7", comment="Nobody came"):
    return client.post(f"/track/{complaint.tracking_code}/feedback/", {"answer": answer, "comment": comment},
                       REMOTE_ADDR=address)


def test_answers_are_limited_per_address(client, resolved, settings):
    settings.TRACK_FEEDBACK_PER_ADDRESS, settings.TRACK_FEEDBACK_PER_CODE = "2/hour", ""
    first, second, third = resolved("meerut"), resolved("bareilly"), resolved("agra")
    assert feedback(client, first).status_code == 200 and feedback(client, second).status_code == 200
    refused = feedback(client, third)
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600
    assert "Too many answers" in refused.content.decode()
    assert not Event.objects.filter(complaint=third, action="reopen_requested").exists()
    assert feedback(client, third, address="198.51.100.9").status_code == 200  # another address
    assert Event.objects.filter(complaint=third, action="reopen_requested").count() == 1


def test_answers_are_limited_per_code(client, resolved, settings):
    settings.TRACK_FEEDBACK_PER_ADDRESS, settings.TRACK_FEEDBACK_PER_CODE = "", "2/day"
    complaint, other = resolved("meerut"), resolved("bareilly")
    assert feedback(client, complaint, address="198.51.100.1").status_code == 200
    assert feedback(client, complaint, answer="satisfied", address="198.51.100.2").status_code == 200
    refused = feedback(client, complaint, address="198.51.100.3")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 86400
    assert feedback(client, other, address="198.51.100.3").status_code == 200  # the address is not spent
    assert Event.objects.filter(complaint=complaint, action__in=["reopen_requested", "citizen_satisfied"]).count() == 1


def test_the_limits_are_on_by_default(settings):
    assert settings.TRACK_FEEDBACK_PER_ADDRESS and settings.TRACK_FEEDBACK_PER_CODE


def test_an_answer_never_closes_or_reopens_a_complaint(client, resolved):
    for answer in ("satisfied", "not_satisfied"):
        complaint = resolved("meerut")
        assert feedback(client, complaint, answer=answer).status_code == 200
        fresh = Complaint.objects.get(pk=complaint.pk)
        assert (fresh.status, fresh.version, fresh.closed_at, fresh.outcome) == (
            Status.RESOLVED, complaint.version, None, "")
        event = fresh.events.get(action__in=["citizen_satisfied", "reopen_requested"])
        assert event.data == {"channel": "tracking page"} and event.actor is None


def test_staff_see_answers_as_from_the_tracking_page(client, resolved, hq, meerut_cell):
    by_page, by_tweet = resolved("meerut"), resolved("meerut")
    feedback(client, by_page)
    lifecycle.record(by_tweet, "reopen_requested", actor=lifecycle.Actor(name="ingest"), note="Koi nahi aaya",
                     data={"tweet_id": "1862999999999999999"})
    badge = "from the tracking page"
    staff = Client()
    staff.force_login(hq)
    page = staff.get(reverse("dashboard:complaint", args=[by_page.tracking_code])).content.decode()
    timeline = page[page.index('id="timeline"'):]
    assert badge in timeline and "Asked to look at it again" in timeline
    assert badge not in staff.get(reverse("dashboard:complaint", args=[by_tweet.tracking_code])).content.decode()
    inbox = staff.get(reverse("dashboard:inbox"), {"tab": "again"}).content.decode()
    requests = inbox[inbox.index('id="reopen-requests"'):]
    assert by_page.tracking_code in requests and by_tweet.tracking_code in requests
    assert requests.count("badge-tracking-page") == 1 and "on X" in requests
    cell = Client()
    cell.force_login(meerut_cell)
    queue = cell.get(reverse("dashboard:queue")).content.decode()
    item = queue[queue.index(by_page.tracking_code):]
    assert badge in item[:item.index("</li>")]
    other = queue[queue.index(by_tweet.tracking_code):]
    assert badge not in other[:other.index("</li>")] and "on X" in other[:other.index("</li>")]

