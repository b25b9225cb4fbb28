"""A restricted complaint (an offence against a woman or a child) on every public channel: the tweets in
the victim's thread, the tracking page and its JSON, Open311 and the exports. Each test is one named
scenario; each fails when the guard it names is taken out."""

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from complaints import lifecycle, public
from complaints.models import Complaint
from districts.models import XAccount
from twitter_ingest import outbox
from twitter_ingest.models import AccountCredential, Outbox, OutboxKind, OutboxStatus, ReplyTemplate
from tests.ingest.conftest import LKO_ID, fake_x, mention, state_account  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

REPORT = "Accused Ramesh Yadav of Aminabad arrested; the girl and her mother Sunita Devi counselled at home"
UNIT = "lucknow-commissionerate"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()  # the tracking page keeps rendered pages, and its throttle counts, in the cache
    yield
    cache.clear()


@pytest.fixture
def x_complaint(fake_x, state_account):  # noqa: F811
    def make(text="@Uppolice A girl is being troubled every day near Aminabad market", **fields):
        tweet = mention(fake_x, "citizen_a", text)
        return lifecycle.file_complaint(text=tweet["text"], source_tweet_id=tweet["id"], author_username="citizen_a",
                                        conversation_id=tweet["id"], **fields)

    return make


def _resolve(complaint, actor, report=REPORT):
    complaint = lifecycle.forward(complaint, UNIT, actor=actor)
    complaint = lifecycle.note(complaint, actor=actor)
    complaint = lifecycle.report(complaint, report, actor=actor)
    return lifecycle.resolve(complaint, actor=actor)


def _restrict_behind_the_outbox(complaint):
    """Restricted by a writer that does not go through the lifecycle (a repair in SQL, another process
    racing the sender): only the sender's own check stands between the row and X."""
    Complaint.objects.filter(pk=complaint.pk).update(is_restricted=True)


def _posted_texts(fake_x):  # noqa: F811
    return [fake_x.fake.tweets[tweet_id]["text"] for tweet_id in fake_x.fake.posted]


# ---------------------------------------------------------------- tweets in the victim's thread

def test_tweet_restricted_forward_goes_by_the_dashboard_only(x_complaint, hq):
    # guard: outbox.on_transition returns on "forward" for a restricted complaint
    complaint = lifecycle.forward(x_complaint(is_restricted=True), UNIT, actor=hq)
    assert complaint.unit.slug == UNIT
    assert not Outbox.objects.filter(kind=OutboxKind.FORWARD).exists()


def test_tweet_forward_queued_before_restriction_is_held_when_restricted(x_complaint, hq):
    # guard: outbox._recheck_unsent on "set_restricted"
    complaint = lifecycle.forward(x_complaint(), UNIT, actor=hq)
    forward = Outbox.objects.get(kind=OutboxKind.FORWARD)
    assert forward.status == OutboxStatus.PENDING and "@lkopolice" in forward.text
    lifecycle.set_restricted(complaint, True, actor=hq)
    forward.refresh_from_db()
    assert forward.status == OutboxStatus.HELD and forward.reason.startswith("[restricted]")


def test_tweet_forward_queued_before_restriction_is_not_sent(x_complaint, hq, fake_x, settings):  # noqa: F811
    # guard: the check at the top of outbox._send (vet_claimed)
    settings.X_POST_ENABLED = True
    complaint = lifecycle.forward(x_complaint(), UNIT, actor=hq)
    _restrict_behind_the_outbox(complaint)
    outbox.send_due()
    forward = Outbox.objects.get(kind=OutboxKind.FORWARD)
    assert forward.status == OutboxStatus.HELD and forward.reason.startswith("[restricted]")
    assert not any("lkopolice" in text for text in _posted_texts(fake_x))


def test_tweet_restricted_noted_is_not_posted_under_an_earlier_forward(x_complaint, hq, lucknow_cell, fake_x,
                                                                       settings):  # noqa: F811
    # guard: outbox.on_transition returns on "note" for a restricted complaint
    settings.X_POST_ENABLED = True
    account = XAccount.objects.get(handle__iexact="lkopolice")
    AccountCredential.objects.create(account=account, access_token=f"{LKO_ID}-tok", access_secret="s")
    complaint = lifecycle.forward(x_complaint(), UNIT, actor=hq)
    outbox.send_due()  # the forward went out before anyone saw what the complaint was about
    complaint = lifecycle.set_restricted(complaint, True, actor=hq)
    lifecycle.note(complaint, actor=lucknow_cell)
    assert not Outbox.objects.filter(kind=OutboxKind.NOTED).exists()


def test_tweet_restricted_closing_reply_is_the_neutral_text(x_complaint, hq, fake_x, settings):  # noqa: F811
    # guard: outbox.render uses the neutral template (closing_restricted) for a restricted complaint
    settings.X_POST_ENABLED = True
    complaint = _resolve(x_complaint(is_restricted=True), hq)
    closing = Outbox.objects.get(kind=OutboxKind.CLOSING)
    assert complaint.tracking_code in closing.text and "Ramesh" not in closing.text
    assert closing.text.startswith(f"Complaint {complaint.tracking_code} has been disposed of. To protect your privacy")
    outbox.send_due()
    closing.refresh_from_db()
    assert closing.status == OutboxStatus.SENT
    assert not any(word in text for text in _posted_texts(fake_x) for word in ("Ramesh", "Sunita", "Lucknow"))


def test_tweet_restricted_closing_reply_in_hindi(x_complaint, hq):
    # guard: as above, for the Hindi wording
    complaint = _resolve(x_complaint(is_restricted=True, language="hi"), hq)
    text = Outbox.objects.get(kind=OutboxKind.CLOSING).text
    assert text.startswith(f"शिकायत {complaint.tracking_code} का निस्तारण किया गया है। आपकी गोपनीयता की सुरक्षा हेतु")
    assert "Ramesh" not in text


def test_tweet_closing_queued_before_restriction_is_replaced_when_restricted(x_complaint, hq):
    # guard: outbox._recheck_unsent on "set_restricted" (a held closing is released with the neutral text)
    complaint = _resolve(x_complaint(), hq, report=REPORT + ", father's mobile 9876543210")
    closing = Outbox.objects.get(kind=OutboxKind.CLOSING)
    assert closing.status == OutboxStatus.HELD and "Ramesh" in closing.text
    lifecycle.set_restricted(complaint, True, actor=hq)
    closing.refresh_from_db()
    assert closing.status == OutboxStatus.PENDING and "Ramesh" not in closing.text and "9876543210" not in closing.text
    assert closing.text.startswith(f"Complaint {complaint.tracking_code} has been disposed of. To protect your privacy")


def test_tweet_closing_queued_before_restriction_is_replaced_at_send_time(x_complaint, hq, fake_x,
                                                                          settings):  # noqa: F811
    # guard: the check at the top of outbox._send (vet_claimed) renders the neutral text afresh
    settings.X_POST_ENABLED = True
    complaint = _resolve(x_complaint(), hq)
    assert "Ramesh" in Outbox.objects.get(kind=OutboxKind.CLOSING).text
    _restrict_behind_the_outbox(complaint)
    outbox.send_due()
    closing = Outbox.objects.get(kind=OutboxKind.CLOSING)
    assert closing.status == OutboxStatus.SENT and "Ramesh" not in closing.text
    assert not any("Ramesh" in text for text in _posted_texts(fake_x))
    assert fake_x.fake.tweets[closing.posted_tweet_id]["text"] == closing.text


def test_tweet_restricted_status_reply_names_no_unit(x_complaint, hq):
    # guard: outbox.stage_text uses RESTRICTED_STAGES (and render the neutral status template)
    complaint = lifecycle.forward(x_complaint(is_restricted=True), UNIT, actor=hq)
    row = outbox.queue_status_reply(complaint, "1861000000000000999")
    assert row.status == OutboxStatus.PENDING
    assert row.text.startswith(f"Complaint {complaint.tracking_code} — present status: under action. To protect")
    assert "Lucknow" not in row.text and "lkopolice" not in row.text


def test_tweet_neutral_template_may_be_edited_but_never_takes_the_report(x_complaint, hq):
    # guard: outbox.render refuses a neutral template that asks for more than {code}, {stage} and {link}
    ReplyTemplate.objects.create(key="closing_restricted", text_en="Complaint {code} resolved: {report}",
                                 text_hi="शिकायत {code}: {report}")
    _resolve(x_complaint(is_restricted=True), hq)
    closing = Outbox.objects.get(kind=OutboxKind.CLOSING)
    assert closing.status == OutboxStatus.HELD and "Ramesh" not in closing.text
    assert closing.reason.startswith("[template_not_neutral key=closing_restricted]")
    ReplyTemplate.objects.filter(key="closing_restricted").update(text_en="Matter {code} is disposed of.{link}")
    complaint = _resolve(x_complaint(is_restricted=True), hq)
    edited = Outbox.objects.filter(kind=OutboxKind.CLOSING).exclude(pk=closing.pk).get()
    assert edited.status == OutboxStatus.PENDING and edited.text == f"Matter {complaint.tracking_code} is disposed of."


# ---------------------------------------------------------------- the tracking page and its JSON

@pytest.fixture
def restricted_resolved(forwarded, hq):
    complaint = forwarded("meerut", is_restricted=True, text="RESTRICTED-TEXT about the girl")
    complaint = lifecycle.report(lifecycle.note(complaint, actor=hq), REPORT, actor=hq)
    complaint = lifecycle.resolve(complaint, actor=hq)
    return lifecycle.close(complaint, "fir", fir_number="0245/2026", actor=hq)


SECRETS = ("RESTRICTED-TEXT", "Ramesh", "Sunita", "Meerut", "meerutpolice", "0245/2026")


def test_tracking_page_of_a_restricted_complaint_shows_only_its_stages(client, restricted_resolved):
    # guard: complaints.public.public_view leaves everything but the stages out when restricted
    html = client.get(f"/track/{restricted_resolved.tracking_code}/").content.decode()
    assert "Closed" in html and "Resolved" in html
    for secret in SECRETS:
        assert secret not in html, secret


def test_tracking_json_of_a_restricted_complaint_shows_only_its_stages(client, restricted_resolved):
    # guard: as above, through complaints.public.as_dict
    response = client.get(f"/api/v1/track/{restricted_resolved.tracking_code}/")
    body = response.content.decode()
    assert response.status_code == 200 and response.json()["restricted"] is True
    for secret in SECRETS:
        assert secret not in body, secret


# ---------------------------------------------------------------- Open311

def test_open311_list_leaves_restricted_complaints_out(client, restricted_resolved, resolved_open):
    # guard: complaints.open311.views.public_requests filters is_restricted
    response = client.get(reverse("open311:requests"))
    assert [r["status_notes"] for r in response.json()] == [resolved_open.action_taken_report]
    for secret in ("Ramesh", "Sunita", restricted_resolved.tracking_code):
        assert secret not in response.content.decode(), secret


def test_open311_notes_of_a_restricted_complaint_are_empty_even_if_listed(restricted_resolved):
    # guard: complaints.public.public_report gives nothing for a restricted complaint (a second line
    # behind the list's filter)
    assert public.public_report(restricted_resolved) == "" and public.public_text(restricted_resolved) == ""


def test_open311_detail_of_a_restricted_complaint_is_not_found(client, restricted_resolved):
    # guard: as above, for one request
    response = client.get(reverse("open311:request", args=[restricted_resolved.tracking_code]))
    assert response.status_code == 404 and "Ramesh" not in response.content.decode()


@pytest.fixture
def resolved_open(forwarded, hq):
    complaint = forwarded("meerut", text="Chain snatching near the market")
    complaint = lifecycle.report(lifecycle.note(complaint, actor=hq), "Chain recovered and returned", actor=hq)
    return lifecycle.resolve(complaint, actor=hq)


# ---------------------------------------------------------------- exports

def test_export_of_a_cell_leaves_restricted_complaints_out(client, restricted_resolved, resolved_open, meerut_cell):
    # guard: complaints.scoping.visible_complaints (the exports start from it)
    client.force_login(meerut_cell)
    response = client.get(reverse("dashboard:export_complaints", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    codes = {row[0] for row in rows[1:]}
    assert resolved_open.tracking_code in codes and restricted_resolved.tracking_code not in codes
    assert not any("Ramesh" in cell for row in rows for cell in row)


# ---------------------------------------------------------------- what HQ is told

def test_hq_is_told_on_the_complaint_page_what_was_withheld(client, x_complaint, hq):
    # guard: the "What the public does not see" card (dashboard complaint view, public.withheld and
    # twitter_ingest.hold_reasons.withheld_on_x)
    complaint = _resolve(x_complaint(is_restricted=True), hq)
    client.force_login(hq)
    html = client.get(reverse("dashboard:complaint", args=[complaint.tracking_code])).content.decode()
    assert 'id="withheld"' in html
    for words in ("Forward to the unit on X", "the unit gets it on its dashboard only",
                  "Posted as the neutral text", "the public sees only its stages"):
        assert words in html, words


def test_hq_is_told_which_tweets_went_out_before_the_restriction(client, x_complaint, hq, settings):
    # guard: twitter_ingest.hold_reasons.withheld_on_x lists what was sent before the restriction
    settings.X_POST_ENABLED = True
    complaint = lifecycle.forward(x_complaint(), UNIT, actor=hq)
    outbox.send_due()
    forward = Outbox.objects.get(kind=OutboxKind.FORWARD)
    assert forward.status == OutboxStatus.SENT
    lifecycle.set_restricted(complaint, True, actor=hq)
    client.force_login(hq)
    html = client.get(reverse("dashboard:complaint", args=[complaint.tracking_code])).content.decode()
    assert "Already on X" in html and f"Forward to the unit ({forward.posted_tweet_id})" in html
