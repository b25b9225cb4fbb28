"""The outbox: rows written with the change, checked for personal data, sent at most once."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from complaints import lifecycle
from districts.models import XAccount
from complaints import reasons
from twitter_ingest import outbox
from twitter_ingest.models import (
    AccountCredential, ForwardMode, Outbox, OutboxKind, OutboxStatus, ReplyTemplate, UnitPostingPolicy,
)
from twitter_ingest.textcount import weighted_length

from .conftest import LKO_ID, mention


@pytest.fixture
def citizen_complaint(fake_x, state_account):
    tweet = mention(fake_x, "citizen_a", "@Uppolice Aminabad me jebkatri")
    complaint = lifecycle.file_complaint(text=tweet["text"], source_tweet_id=tweet["id"], author_username="citizen_a",
                                         conversation_id=tweet["id"])
    return complaint


def test_reply_is_written_in_the_filing_transaction(citizen_complaint, fake_x):
    row = Outbox.objects.get()
    assert row.kind == OutboxKind.REPLY_WITH_CODE and citizen_complaint.tracking_code in row.text
    with pytest.raises(RuntimeError), transaction.atomic():
        lifecycle.file_complaint(text="@Uppolice rolled back", source_tweet_id="123456")
        raise RuntimeError
    assert Outbox.objects.count() == 1


def test_nothing_is_posted_when_posting_is_off(citizen_complaint, fake_x, settings):
    settings.X_POST_ENABLED = False
    assert outbox.send_due() == {"manual": 1}
    row = Outbox.objects.get()
    assert "X_POST_ENABLED" in reasons.describe_in("en", row.reason) and not fake_x.fake.posted
    assert outbox.mark_sent_by_hand(row, None, "1861000000000000999") == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.posted_tweet_id == "1861000000000000999"


def test_sent_through_tweepy(citizen_complaint, fake_x, settings):
    settings.X_POST_ENABLED = True
    assert outbox.send_due() == {"sent": 1}
    row = Outbox.objects.get()
    posted = fake_x.fake.tweets[row.posted_tweet_id]
    assert posted["text"] == row.text and posted["referenced_tweets"][0]["id"] == citizen_complaint.source_tweet_id
    assert outbox.send_due() == {}


def test_personal_data_is_held(citizen_complaint, hq, settings):
    settings.X_POST_ENABLED = True
    for step in (lambda c: lifecycle.forward(c, "lucknow-commissionerate", actor=hq),
                 lambda c: lifecycle.note(c, actor=hq),
                 lambda c: lifecycle.report(c, "Contacted complainant on 9876543210, mail a.b@example.com", actor=hq),
                 lambda c: lifecycle.resolve(c, actor=hq)):
        citizen_complaint = step(citizen_complaint)
    row = Outbox.objects.get(kind=OutboxKind.CLOSING)
    assert row.status == OutboxStatus.HELD and "phone number" in row.reason and "e-mail" in row.reason


@pytest.mark.parametrize("text, kinds", [
    ("call +91 98765 43210", "phone"), ("mobile 09876543210", "phone"),
    ("Aadhaar 1234 5678 9012", "aadhaar"), ("x@y.in", "email"),
    ("Complaint UPP-7K3M9-Q2XCF resolved, FIR 123/2026", None), ("tweet 1861000000000000100", None),
])
def test_personal_data_is_judged_by_the_shared_detector(text, kinds, citizen_complaint):
    """The outbox has no patterns of its own: complaints.personal_data (tested in tests/security) decides."""
    row = Outbox(kind=OutboxKind.STATUS, complaint=citizen_complaint, text=text)
    if kinds is None:
        assert outbox.vet(row, citizen_complaint) == text
    else:
        with pytest.raises(outbox.Hold) as held:
            outbox.vet(row, citizen_complaint)
        assert held.value.reason.startswith(f"[personal_data kinds={kinds}]")


def test_closing_reply_fits_and_link_is_a_setting(citizen_complaint, hq, settings):
    settings.X_REPLY_INCLUDE_LINK = True
    long_report = "अभियुक्त के विरुद्ध कार्यवाही की गई तथा बरामदगी की गई। " * 12
    c = lifecycle.forward(citizen_complaint, "lucknow-commissionerate", actor=hq)
    c = lifecycle.note(c, actor=hq)
    c = lifecycle.report(c, long_report[:280], actor=hq)
    lifecycle.resolve(c, actor=hq)
    row = Outbox.objects.get(kind=OutboxKind.CLOSING)
    assert weighted_length(row.text) <= 280 and row.text.rstrip("/").endswith(c.tracking_code)
    assert "/track/" in row.text and "…" in row.text and row.status == OutboxStatus.PENDING


def test_templates_are_editable_and_language_follows_the_complaint(fake_x, state_account):
    ReplyTemplate.objects.filter(key="reply_with_code").update(text_hi="शिकायत दर्ज: {code}")
    lifecycle.file_complaint(text="@Uppolice चोरी", source_tweet_id="1861000000000000555", language="hi")
    assert Outbox.objects.get().text.startswith("शिकायत दर्ज: UPP-")


def test_dashboard_only_forward_policy(citizen_complaint, hq, unit):
    UnitPostingPolicy.objects.create(unit=unit("lucknow-commissionerate"), forward_mode=ForwardMode.DASHBOARD_ONLY)
    lifecycle.forward(citizen_complaint, "lucknow-commissionerate", actor=hq)
    assert not Outbox.objects.filter(kind=OutboxKind.FORWARD).exists()


def test_dashboard_noted_posted_by_a_unit_with_credentials(citizen_complaint, fake_x, hq, lucknow_cell, settings):
    settings.X_POST_ENABLED = True
    account = XAccount.objects.get(handle__iexact="lkopolice")
    account.user_id = LKO_ID
    account.save()
    AccountCredential.objects.create(account=account, access_token=f"{LKO_ID}-tok", access_secret="s")
    c = lifecycle.forward(citizen_complaint, "lucknow-commissionerate", actor=hq)
    lifecycle.note(c, actor=lucknow_cell)
    noted = Outbox.objects.get(kind=OutboxKind.NOTED)
    assert noted.account == account and noted.reply_to_outbox.kind == OutboxKind.FORWARD
    outbox.send_due()
    outbox.send_due()
    noted.refresh_from_db()
    forward = Outbox.objects.get(kind=OutboxKind.FORWARD)
    assert noted.status == OutboxStatus.SENT and noted.in_reply_to_tweet_id == forward.posted_tweet_id
    assert fake_x.fake.tweets[noted.posted_tweet_id]["author_id"] == LKO_ID


def test_transient_errors_back_off_then_dead_letter(citizen_complaint, fake_x, settings):
    settings.X_POST_ENABLED = True
    settings.X_OUTBOX_MAX_ATTEMPTS = 2
    fake_x.fake.faults.append({"route": "post", "status": 503, "count": 5})
    assert outbox.send_due() == {"pending": 1}
    row = Outbox.objects.get()
    assert row.next_attempt_at > timezone.now() and "transient" in reasons.describe_in("en", row.reason)
    Outbox.objects.update(next_attempt_at=timezone.now())
    fake_x.fake.faults.insert(0, {"route": "tweets", "status": 503, "count": 5})   # the look-up fails too
    assert outbox.send_due() == {"dead": 1}
    assert "Gave up after 2 failed attempts" in reasons.describe_in("en", Outbox.objects.get().reason)


def test_429_waits_for_the_reset(citizen_complaint, fake_x, settings):
    settings.X_POST_ENABLED = True
    fake_x.fake.faults.append({"route": "post", "status": 429, "reset_in": 300})
    outbox.send_due()
    row = Outbox.objects.get()
    assert row.status == OutboxStatus.PENDING
    assert timedelta(seconds=250) < row.next_attempt_at - timezone.now() < timedelta(seconds=350)


def test_permanent_errors_are_dead_lettered(fake_x, state_account, settings):
    settings.X_POST_ENABLED = True
    stranger = fake_x.fake.add_tweet({"author": "citizen_b", "text": "not mentioning anyone"})
    lifecycle.file_complaint(text="filed by hand", source_tweet_id=stranger["id"])
    assert outbox.send_due() == {"dead": 1}
    assert "only reply" in Outbox.objects.get().reason


def test_a_worker_dying_after_posting_does_not_post_twice(citizen_complaint, fake_x, settings):
    settings.X_POST_ENABLED = True
    row = Outbox.objects.get()
    # The earlier attempt posted, then died before recording it: the row is left "sending".
    fake_x.fake.create_tweet(fake_x.fake.state_id, {"text": row.text,
                                                    "reply": {"in_reply_to_tweet_id": row.in_reply_to_tweet_id}})
    Outbox.objects.filter(pk=row.pk).update(status=OutboxStatus.SENDING, attempts=1,
                                            claimed_at=timezone.now() - timedelta(hours=1))
    assert outbox.send_due() == {"sent": 1}
    row.refresh_from_db()
    assert len(fake_x.fake.posted) == 1 and row.posted_tweet_id == fake_x.fake.posted[0]


def test_duplicate_content_is_recognised_as_already_posted(citizen_complaint, fake_x, settings):
    settings.X_POST_ENABLED = True
    row = Outbox.objects.get()
    fake_x.fake.create_tweet(fake_x.fake.state_id, {"text": row.text,
                                                    "reply": {"in_reply_to_tweet_id": row.in_reply_to_tweet_id}})
    assert outbox.send_due() == {"sent": 1}
    assert len(fake_x.fake.posted) == 1


def test_credentials_are_not_in_repr(db):
    account = XAccount.objects.get(handle__iexact="lkopolice")
    credential = AccountCredential.objects.create(account=account, access_token="secret-token", access_secret="s3")
    assert "secret" not in repr(credential) and "secret" not in str(credential)


def test_a_missing_template_holds_the_reply_instead_of_blocking_the_change(fake_x, state_account):
    ReplyTemplate.objects.filter(key="reply_with_code").update(is_active=False)
    complaint = lifecycle.file_complaint(text="@Uppolice chori", source_tweet_id="1861000000000000666")
    row = Outbox.objects.get(complaint=complaint)
    assert row.status == OutboxStatus.HELD and "reply_with_code" in row.reason and row.text == ""


def test_without_template_rows_the_default_wording_is_used(fake_x, state_account):
    ReplyTemplate.objects.all().delete()
    complaint = lifecycle.file_complaint(text="@Uppolice my phone was stolen", source_tweet_id="1861000000000000667")
    row = Outbox.objects.get(complaint=complaint)
    assert row.status == OutboxStatus.PENDING
    assert row.text.startswith("Your complaint has been received by Uttar Pradesh Police")
