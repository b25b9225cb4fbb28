"""API tokens: each login makes and revokes its own, the key is shown once and kept only as a digest,
a revoked key stops working, superusers (and nobody else) see and revoke everyone's in the admin, and
everything done through the API with a token names its owner and the token in the audit trail."""

import hashlib
import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.models import Event
from districts import tokens
from districts.models import ApiToken, SecurityAction, SecurityEvent

pytestmark = pytest.mark.django_db
# A refused or missing key is 401 and names the scheme to use.
REFUSED = (401,)


def api_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def make_on_dashboard(client, user, name="MIS sync"):
    client.force_login(user)
    response = client.post(reverse("dashboard:tokens"), {"name": name})
    assert response.status_code == 200
    return response, response.context["key"]


def test_a_token_is_shown_once_and_kept_only_as_its_digest(client, meerut_cell):
    response, key = make_on_dashboard(client, meerut_cell)
    assert key in response.content.decode() and "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=meerut_cell)
    assert token.digest == hashlib.sha256(key.encode()).hexdigest() and key.startswith(token.prefix + ".")
    stored = [str(v) for v in ApiToken.objects.values_list(*[f.attname for f in ApiToken._meta.fields]).get()]
    assert not any(key in value or key.split(".")[1] in value for value in stored)
    again = client.get(reverse("dashboard:tokens")).content.decode()
    assert key not in again and "MIS sync" in again and token.prefix in again
    assert SecurityEvent.objects.get(action=SecurityAction.TOKEN_CREATED).actor == meerut_cell


def test_the_key_works_in_the_token_header_and_nothing_else_does(meerut_cell):
    token, key = tokens.issue(meerut_cell, "sync")
    assert api_with(key).get("/api/v1/units/").status_code == 200
    refused = api_with(key[:-1] + ("a" if key[-1] != "a" else "b")).get("/api/v1/units/")
    assert refused.status_code in REFUSED and refused["WWW-Authenticate"] == "Token"
    assert api_with(token.digest).get("/api/v1/units/").status_code in REFUSED  # the digest is not a key
    assert APIClient().get("/api/v1/units/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code in REFUSED


def test_a_revoked_token_stops_working_and_the_revocation_is_recorded(client, meerut_cell):
    _, key = make_on_dashboard(client, meerut_cell)
    token = ApiToken.objects.get()
    response = client.post(reverse("dashboard:token_revoke", args=[token.pk]), follow=True)
    assert "revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == meerut_cell
    assert api_with(key).get("/api/v1/units/").status_code in REFUSED
    event = SecurityEvent.objects.get(action=SecurityAction.TOKEN_REVOKED)
    assert event.actor == meerut_cell and event.data["token"]["prefix"] == token.prefix


def test_nobody_revokes_someone_elses_token_on_the_dashboard(client, hq, meerut_cell):
    token, key = tokens.issue(meerut_cell, "sync")
    client.force_login(hq)  # even an HQ supervisor: the dashboard page is one's own tokens
    assert client.post(reverse("dashboard:token_revoke", args=[token.pk])).status_code == 404
    assert meerut_cell.username not in client.get(reverse("dashboard:tokens")).content.decode()
    token.refresh_from_db()
    assert token.is_active and api_with(key).get("/api/v1/units/").status_code == 200


def test_a_superuser_revokes_any_token_in_the_admin(admin_client, meerut_cell):
    token, key = tokens.issue(meerut_cell, "sync")
    url = reverse("admin:districts_apitoken_changelist")
    assert "sync" in admin_client.get(url).content.decode()
    admin_client.post(url, {"action": "revoke_action", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None and api_with(key).get("/api/v1/units/").status_code in REFUSED
    assert admin_client.get(reverse("admin:districts_apitoken_add")).status_code == 403


def test_hq_supervisors_no_longer_mint_or_see_other_peoples_tokens(client, hq, meerut_cell):
    tokens.issue(meerut_cell, "sync")
    client.force_login(hq)
    assert client.get(reverse("admin:districts_apitoken_changelist")).status_code == 403
    assert client.get(reverse("admin:districts_apitoken_add")).status_code == 403
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 404  # DRF's token admin is gone
    assert not hq.has_perm("districts.view_apitoken") and hq.has_perm("districts.view_unit")


def test_last_used_is_written_at_most_once_a_minute(meerut_cell):
    token, key = tokens.issue(meerut_cell, "sync")
    client = api_with(key)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get("/api/v1/units/").status_code == 200
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "apitoken" in q["sql"]]
    assert len(writes) == 1
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    client.get("/api/v1/units/")
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(seconds=1)


def test_changes_through_the_api_name_the_owner_and_the_token(hq, make_complaint):
    complaint = make_complaint()
    token, key = tokens.issue(hq, "HQ triage script")
    response = api_with(key).post(f"/api/v1/complaints/{complaint.tracking_code}/forward/", {"unit": "meerut"},
                                  format="json")
    assert response.status_code == 200, response.content
    event = Event.objects.get(complaint=complaint, action="forward")
    assert event.actor == hq and event.actor_name == hq.username
    assert event.data["api_token"] == {"name": "HQ triage script", "prefix": token.prefix}


def test_changes_made_with_a_session_name_no_token(hq, make_complaint):
    complaint = make_complaint()
    tokens.issue(hq, "unused")
    client = APIClient()
    client.force_login(hq)
    response = client.post(f"/api/v1/complaints/{complaint.tracking_code}/forward/", {"unit": "meerut"},
                           format="json")
    assert response.status_code == 200
    event = Event.objects.get(complaint=complaint, action="forward")
    assert event.actor == hq and "api_token" not in event.data


def test_a_deactivated_owners_token_is_refused(meerut_cell):
    _, key = tokens.issue(meerut_cell, "sync")
    meerut_cell.is_active = False
    meerut_cell.save()
    response = api_with(key).get("/api/v1/units/")
    assert response.status_code in REFUSED and response.json()["detail"] == "This login is deactivated."


def test_keys_of_the_old_drf_tokens_are_carried_over_and_keep_working(meerut_cell):
    """Upgrading: migration 0003 hashes the keys in rest_framework.authtoken's table."""
    old_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp with time zone,"
                       " user_id integer)" if connection.vendor == "postgresql" else
                       "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created datetime, user_id integer)")
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [old_key, timezone.now(), meerut_cell.pk])
    migration = importlib.import_module("districts.migrations.0003_api_tokens")
    migration.carry_over_drf_tokens(apps, SimpleNamespace(connection=connection))  # it reads only .connection
    token = ApiToken.objects.get(user=meerut_cell)
    assert token.prefix == old_key[:8] and token.digest != old_key
    assert api_with(old_key).get("/api/v1/units/").status_code == 200


def test_the_token_page_needs_a_staff_login(client, no_profile):
    assert client.get(reverse("dashboard:tokens")).status_code == 302
    client.force_login(no_profile)
    assert client.get(reverse("dashboard:tokens")).status_code == 403


def test_a_name_is_required(client, meerut_cell):
    client.force_login(meerut_cell)
    assert client.post(reverse("dashboard:tokens"), {"name": " "}).status_code == 400
    assert not ApiToken.objects.exists()
