"""Logins, with the lockout (django-axes) on as in production: an account after 5 failures, an address
after 20 across accounts, the real client address behind the trusted proxy, HQ supervisors seeing and
clearing lockouts (recorded), and only HQ's logins being Django staff (the admin)."""

import io
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from districts.models import Role, SecurityAction, SecurityEvent, StaffProfile

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def lockout_on(settings):
    # Each failed login hashes a password; the fast hasher keeps twenty of them quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_FAILURES_PER_ADDRESS = 20
    settings.TRUSTED_PROXIES = []


def attempt(client, username, password, address="192.0.2.1", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def fail(client, username, times, address="192.0.2.1", **extra):
    """Failed logins; the one that reaches a limit is already answered with the lockout page (429)."""
    return [attempt(client, username, "wrong", address, **extra).status_code for _ in range(times)]


def test_an_account_is_locked_after_five_failures_from_anywhere(client, meerut_cell):
    fail(client, "meerut-cell", 4)
    assert attempt(client, "meerut-cell", "pw-meerut-cell").status_code == 302  # the 5th try is still allowed
    client.logout()
    assert fail(client, "meerut-cell", 5, address="192.0.2.9") == [200, 200, 200, 200, 429]
    locked = attempt(client, "meerut-cell", "pw-meerut-cell", address="198.51.100.3")  # right password, new address
    assert locked.status_code == 429
    assert "Login locked" in locked.content.decode() and "_auth_user_id" not in client.session


def test_an_address_is_locked_after_twenty_failures_across_accounts(client, meerut_cell, hq):
    for i in range(20):
        fail(client, f"guess{i}", 1)  # one try per account: no account reaches its limit
    assert attempt(client, "hq-sup", "pw-hq-sup").status_code == 429
    assert attempt(client, "hq-sup", "pw-hq-sup", address="192.0.2.2").status_code == 302


def test_one_clerks_typos_do_not_lock_the_office(client, meerut_cell, bareilly_cell):
    fail(client, "meerut-cell", 5, address="10.20.30.40")  # one NAT address for a whole office
    assert attempt(client, "meerut-cell", "pw-meerut-cell", address="10.20.30.40").status_code == 429
    assert attempt(client, "bareilly-cell", "pw-bareilly-cell", address="10.20.30.40").status_code == 302


def test_a_good_login_clears_that_accounts_failures_only(client, meerut_cell):
    fail(client, "meerut-cell", 3)
    fail(client, "someone-else", 2)
    assert attempt(client, "meerut-cell", "pw-meerut-cell").status_code == 302
    assert not AccessAttempt.objects.filter(username="meerut-cell").exists()
    assert AccessAttempt.objects.filter(username="someone-else").exists()  # the address's count stays


def test_the_lockout_ends_after_the_cool_off(client, meerut_cell, settings):
    fail(client, "meerut-cell", 5)
    assert attempt(client, "meerut-cell", "pw-meerut-cell").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert attempt(client, "meerut-cell", "pw-meerut-cell").status_code == 302


def test_the_admin_login_counts_too(client, hq):
    for _ in range(5):
        client.post("/admin/login/", {"username": "hq-sup", "password": "wrong"}, REMOTE_ADDR="192.0.2.1")
    assert attempt(client, "hq-sup", "pw-hq-sup").status_code == 429


def test_behind_the_trusted_proxy_each_citizen_is_counted_apart(client, meerut_cell, settings):
    settings.TRUSTED_PROXIES = ["172.30.0.10"]
    via_proxy = {"address": "172.30.0.10"}
    for i in range(20):
        fail(client, f"guess{i}", 1, HTTP_X_FORWARDED_FOR="203.0.113.5", **via_proxy)
    assert attempt(client, "meerut-cell", "pw-meerut-cell", HTTP_X_FORWARDED_FOR="203.0.113.5",
                   **via_proxy).status_code == 429
    assert attempt(client, "meerut-cell", "pw-meerut-cell", HTTP_X_FORWARDED_FOR="203.0.113.6",
                   **via_proxy).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


def test_a_forged_forwarded_header_from_elsewhere_gains_nothing(client, meerut_cell, settings):
    settings.TRUSTED_PROXIES = ["172.30.0.10"]
    for i in range(20):  # straight at gunicorn, a new X-Forwarded-For every time
        fail(client, f"guess{i}", 1, address="198.51.100.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert attempt(client, "meerut-cell", "pw-meerut-cell", address="198.51.100.1",
                   HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_hq_supervisor_sees_and_unlocks_an_account_and_the_unlock_is_recorded(client, meerut_cell, hq):
    fail(client, "meerut-cell", 5)
    client.force_login(hq)
    page = client.get(reverse("dashboard:lockouts")).content.decode()
    assert "meerut-cell" in page
    response = client.post(reverse("dashboard:unlock"), {"username": "meerut-cell"}, follow=True)
    assert "meerut-cell" in response.content.decode() and response.status_code == 200
    event = SecurityEvent.objects.get(action=SecurityAction.LOCKOUT_CLEARED)
    assert (event.actor, event.subject, event.data["kind"]) == (hq, "meerut-cell", "account")
    client.logout()
    assert attempt(client, "meerut-cell", "pw-meerut-cell").status_code == 302


def test_hq_supervisor_unlocks_an_address(client, meerut_cell, hq):
    for i in range(20):
        fail(client, f"guess{i}", 1, address="192.0.2.77")
    client.force_login(hq)
    assert "192.0.2.77" in client.get(reverse("dashboard:lockouts")).content.decode()
    client.post(reverse("dashboard:unlock"), {"address": "192.0.2.77"})
    assert SecurityEvent.objects.get().subject == "192.0.2.77"
    client.logout()
    assert attempt(client, "meerut-cell", "pw-meerut-cell", address="192.0.2.77").status_code == 302


@pytest.mark.parametrize("name, expected", [("hq_operator", 403), ("meerut_cell", 403), ("meerut_range", 403)])
def test_lockouts_are_for_hq_supervisors_only(client, request, name, expected, bareilly_cell):
    fail(client, "bareilly-cell", 5)
    client.force_login(request.getfixturevalue(name))
    assert client.get(reverse("dashboard:lockouts")).status_code == expected
    assert client.post(reverse("dashboard:unlock"), {"username": "bareilly-cell"}).status_code == expected
    assert AccessAttempt.objects.filter(username="bareilly-cell").exists()
    assert not SecurityEvent.objects.exists()


def test_an_unlock_names_one_account_or_one_address(client, hq):
    client.force_login(hq)
    assert client.post(reverse("dashboard:unlock"), {}).status_code == 400
    assert client.post(reverse("dashboard:unlock"), {"username": "a", "address": "192.0.2.1"}).status_code == 400
    assert client.post(reverse("dashboard:unlock"), {"address": "not-an-address"}).status_code == 400
    assert not SecurityEvent.objects.exists()


def test_only_hq_logins_are_django_staff(client, hq, hq_operator, meerut_cell, meerut_range):
    assert hq.is_staff and hq_operator.is_staff and not meerut_cell.is_staff and not meerut_range.is_staff
    client.force_login(meerut_cell)
    assert client.get("/admin/").status_code == 302  # to the admin's login: not for unit cells
    assert client.get(reverse("dashboard:queue")).status_code == 200  # their dashboard is unaffected


def test_demo_logins_give_the_admin_to_hq_only(db):
    call_command("create_demo_logins", stdout=io.StringIO())
    staff = {p.user.username: p.user.is_staff for p in StaffProfile.objects.select_related("user")}
    roles = dict(StaffProfile.objects.values_list("user__username", "role"))
    for username, is_staff in staff.items():
        assert is_staff == (roles[username] in (Role.HQ_OPERATOR, Role.HQ_SUPERVISOR)), username
