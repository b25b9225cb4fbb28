"""The audit trail is append-only in the database on SQLite and PostgreSQL alike, the test runner's
flush still empties it, and a login that has acted is deactivated, never deleted."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from complaints import lifecycle
from complaints.models import Complaint, Event

pytestmark = pytest.mark.django_db


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_sql_cannot_update_an_event(make_complaint):
    event = make_complaint().events.get()
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE complaints_event SET note = 'rewritten' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        raw("UPDATE complaints_event SET actor_id = NULL")
    assert Event.objects.get(pk=event.pk).note == event.note


def test_raw_sql_cannot_delete_an_event(make_complaint):
    event = make_complaint().events.get()
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM complaints_event WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM complaints_event")
    assert Event.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_trail_whichever_table_django_lists_first(make_complaint, monkeypatch):
    """Django lists the tables to flush in set order, different in every process; put complaints_event
    first on purpose: SQLite's trigger would refuse it while its complaint exists, unless the project's
    flush empties complaints first (on PostgreSQL, TRUNCATE goes round the trigger)."""
    lifecycle.forward(make_complaint(), lifecycle.unit_by_slug("meerut"))
    listed = connection.introspection.django_table_names

    def events_first(*args, **kwargs):
        return sorted(listed(*args, **kwargs), key=lambda table: table != "complaints_event")

    monkeypatch.setattr(connection.introspection, "django_table_names", events_first)
    call_command("flush", interactive=False, verbosity=0)
    assert not Event.objects.exists() and not Complaint.objects.exists()


def test_a_login_that_has_acted_cannot_be_deleted(hq, make_complaint):
    lifecycle.forward(make_complaint(), lifecycle.unit_by_slug("meerut"), actor=hq)
    with pytest.raises(ProtectedError):
        hq.delete()
    with pytest.raises(ProtectedError):
        get_user_model().objects.filter(pk=hq.pk).delete()
    assert get_user_model().objects.filter(pk=hq.pk).exists()


def test_the_admin_says_deactivate_instead_and_deletes_nothing(admin_client, hq, make_complaint):
    lifecycle.forward(make_complaint(), lifecycle.unit_by_slug("meerut"), actor=hq)
    response = admin_client.post(reverse("admin:auth_user_delete", args=[hq.pk]), {"post": "yes"})
    page = response.content.decode()
    assert response.status_code == 200 and "hq-sup has acted (1 events)" in page and "Active" in page
    bulk = admin_client.post(reverse("admin:auth_user_changelist"),
                             {"action": "delete_selected", "_selected_action": [hq.pk], "post": "yes"})
    assert "hq-sup has acted" in bulk.content.decode()
    assert get_user_model().objects.filter(pk=hq.pk).exists()


def test_a_login_that_never_acted_can_be_deleted_in_the_admin(admin_client, no_profile):
    response = admin_client.post(reverse("admin:auth_user_delete", args=[no_profile.pk]), {"post": "yes"})
    assert response.status_code == 302 and not get_user_model().objects.filter(pk=no_profile.pk).exists()


def test_a_deactivated_login_keeps_its_trail_and_cannot_log_in(client, hq, make_complaint, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    complaint = lifecycle.forward(make_complaint(), lifecycle.unit_by_slug("meerut"), actor=hq)
    hq.is_active = False
    hq.save()
    assert complaint.events.get(action="forward").actor == hq
    hq.set_password("pw-hq-sup")
    hq.save()
    assert client.post("/accounts/login/", {"username": "hq-sup", "password": "pw-hq-sup"}).status_code == 200
    assert "_auth_user_id" not in client.session
