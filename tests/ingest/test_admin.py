"""The ingest's admin pages load for HQ, the outbox offers "mark as sent", and secrets are not shown back."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from complaints import lifecycle
from districts.models import XAccount
from twitter_ingest.models import AccountCredential, Outbox, OutboxStatus


def test_changelists_and_mark_sent(client, db):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")
    client.force_login(admin)
    lifecycle.file_complaint(text="@Uppolice test", source_tweet_id="1861000000000000700")
    for model in ("mention", "pollrun", "accountstate", "rejectedinput", "goodworkpost", "duplicatesuggestion",
                  "unitpostingpolicy", "accountcredential", "replytemplate", "outbox"):
        assert client.get(reverse(f"admin:twitter_ingest_{model}_changelist")).status_code == 200, model
    row = Outbox.objects.get()
    Outbox.objects.filter(pk=row.pk).update(status=OutboxStatus.MANUAL)
    assert client.get(reverse("admin:twitter_ingest_outbox_change", args=[row.pk])).status_code == 200
    response = client.post(reverse("admin:twitter_ingest_outbox_changelist"),
                           {"action": "mark_sent", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.marked_sent_by == admin


def test_credentials_are_write_only(client, db):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")
    client.force_login(admin)
    account = XAccount.objects.get(handle__iexact="lkopolice")
    credential = AccountCredential.objects.create(account=account, access_token="tok-123-secret", access_secret="sec-456")
    page = client.get(reverse("admin:twitter_ingest_accountcredential_change", args=[credential.pk]))
    assert page.status_code == 200 and b"tok-123-secret" not in page.content and b"sec-456" not in page.content
    response = client.post(reverse("admin:twitter_ingest_accountcredential_change", args=[credential.pk]),
                           {"account": account.pk, "access_token": "", "access_secret": ""})
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.access_token == "tok-123-secret"


def test_editing_a_held_reply_requeues_it_after_the_checks(client, db):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")
    client.force_login(admin)
    lifecycle.file_complaint(text="@Uppolice test", source_tweet_id="1861000000000000701")
    row = Outbox.objects.get()
    Outbox.objects.filter(pk=row.pk).update(status=OutboxStatus.HELD, reason="Contains a phone number")
    url = reverse("admin:twitter_ingest_outbox_change", args=[row.pk])
    form = {"text": "Call 9876543210", "status": "held", "reason": "x", "next_attempt_at_0": "2026-11-23",
            "next_attempt_at_1": "10:00:00"}
    assert client.post(url, form).status_code == 302
    row.refresh_from_db()
    assert row.status == OutboxStatus.HELD and "phone" in row.reason
    form["text"] = "Your complaint is registered."
    client.post(url, form)
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and row.reason == ""
