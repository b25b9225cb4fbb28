"""HQ's page of watched accounts (switching polling on and off) and the per-account rows of the ingest
health page."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from districts.models import XAccount
from twitter_ingest.models import AccountState, AccountSwitch

PAGE = "dashboard:watched_accounts"


def test_hq_sees_the_polled_accounts_and_where_their_tokens_go(client_for, hq, settings):
    XAccount.objects.filter(handle="dgpup").update(watched=True)
    settings.X_ACCOUNT_TOKENS = {"dgpup": ("secret-token-value", "secret-secret-value")}
    settings.X_API_KEY, settings.X_API_SECRET = "key", "secret"
    body = client_for(hq).get(reverse(PAGE)).content.decode()
    assert "@Uppolice" in body and "@dgpup" in body and "X_ACCOUNT_DGPUP_ACCESS_TOKEN" in body
    assert "secret-token-value" not in body and "secret-secret-value" not in body
    assert "Always polled" in body


def test_switching_on_by_handle_and_off_by_row(client_for, hq):
    client = client_for(hq)
    response = client.post(reverse(PAGE), {"handle": "@112uttarpradesh", "watched": "on"}, follow=True)
    up112 = XAccount.objects.get(handle="112UttarPradesh")
    assert up112.watched and "are polled from now on" in response.content.decode()
    client.post(reverse(PAGE), {"account": up112.pk, "watched": "off"})
    assert not XAccount.objects.get(pk=up112.pk).watched
    assert list(AccountSwitch.objects.order_by("id").values_list("watched", "by")) == [(True, hq.pk), (False, hq.pk)]


def test_bad_switches_are_refused_and_change_nothing(client_for, hq):
    client = client_for(hq)
    state = XAccount.objects.get(handle__iexact="Uppolice")
    response = client.post(reverse(PAGE), {"account": state.pk, "watched": "off"}, follow=True)
    assert "always polled" in response.content.decode() and XAccount.objects.get(pk=state.pk).watched
    response = client.post(reverse(PAGE), {"handle": "nobody_on_file", "watched": "on"}, follow=True)
    assert "No account on file has that handle" in response.content.decode()
    response = client.post(reverse(PAGE), {"handle": "<script>", "watched": "on"}, follow=True)
    assert "No account on file has that handle" in response.content.decode()
    response = client.post(reverse(PAGE), {"account": "999999", "watched": "on"}, follow=True)
    assert "no longer exists" in response.content.decode()
    assert not AccountSwitch.objects.exists()
    assert set(XAccount.objects.filter(watched=True).values_list("handle", flat=True)) == {"Uppolice"}


def test_only_hq_may_see_or_switch(client_for, meerut_cell, meerut_range):
    for user in (meerut_cell, meerut_range):
        client = client_for(user)
        assert client.get(reverse(PAGE)).status_code == 403
        assert client.post(reverse(PAGE), {"handle": "dgpup", "watched": "on"}).status_code == 403
    assert not XAccount.objects.get(handle="dgpup").watched


def test_health_page_has_a_row_per_account(client_for, hq):
    XAccount.objects.filter(handle="dgpup").update(watched=True)
    dgp = XAccount.objects.get(handle="dgpup")
    state = XAccount.objects.get(handle__iexact="Uppolice")
    AccountState.objects.create(account=dgp, rate_limited_until=timezone.now() + timedelta(minutes=10))
    AccountState.objects.create(account=state, since_id="1861000000000000001", last_poll_at=timezone.now(),
                                last_success_at=timezone.now())
    response = client_for(hq).get(reverse("dashboard:health"))
    rows = {r["handle"]: r for r in response.context["accounts"]}
    assert set(rows) == {"Uppolice", "dgpup"}
    body = response.content.decode()
    table = body[body.index('id="account-states"'):]
    assert "Rate-limited until" in table and "Polling" in table
    assert "1861000000000000001" in body  # the checkpoint, in the engineers' details
