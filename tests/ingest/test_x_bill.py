"""The X bill: a scripted run against the simulated X with a bill known in advance, the day's
de-duplication, the monthly budget's warning and stop, and GET /api/v1/costs/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from complaints import lifecycle
from complaints.models import Complaint
from districts.models import XAccount
from districts import tokens
from twitter_ingest import hold_reasons, ledger, outbox, poller
from twitter_ingest.models import ChargeKind, Outbox, OutboxKind, OutboxStatus, XCharge, XUser

from .conftest import LKO_ID, STATE_ID, mention


def _bill():
    today = ledger.utc_day()
    by_kind = ledger.spend(today, today + timedelta(days=1))["by_kind"]
    return {kind: row["resources"] for kind, row in by_kind.items() if row["resources"]}


@pytest.fixture
def as_owner(fake_x, settings):
    """Mentions read with the state account's own user tokens (no bearer token): owned reads."""
    settings.X_BEARER_TOKEN = ""
    settings.X_POST_ENABLED = True
    return fake_x


def test_a_scripted_run_costs_what_x_would_bill(as_owner, state_account):
    for author, text in [("citizen_a", "@Uppolice Aliganj me raat ko chori hui"),
                         ("citizen_b", "@Uppolice Hazratganj me jam laga hai"),
                         ("citizen_a", "@Uppolice Gomti Nagar me chain snatching")]:
        mention(as_owner, author, text)
    assert poller.poll_account(state_account).run.error == ""
    # Three mentions of our own account read with its own tokens: owned reads. The two citizens are looked
    # up together by id (the poll asks for no users), and the poller finds @Uppolice's own id by its handle:
    # user reads, each billed once.
    assert _bill() == {"owned_read": 3, "user_read": 3}

    assert outbox.send_due() == {"sent": 3}  # the three replies with codes: summoned replies
    complaint = Complaint.objects.first()
    outbox.queue(OutboxKind.CLOSING, complaint, account=state_account, key="closing:link",
                 text=f"{complaint.tracking_code}: https://uppolice.gov.in/track/", in_reply_to=complaint.source_tweet_id)
    assert outbox.send_due() == {"sent": 1}  # a reply with a URL is billed at the URL price
    assert _bill() == {"owned_read": 3, "user_read": 3, "summoned_reply": 3, "post_with_url": 1}

    # The overlap poll reads the same mentions again the same day: not billed twice.
    assert poller.poll_account(state_account, overlap=True).run.error == ""
    assert _bill()["owned_read"] == 3
    assert XCharge.objects.filter(kind=ChargeKind.OWNED_READ, times=2).count() == 3

    report = ledger.month_report(ledger.utc_day())
    expected = Decimal("3") * Decimal("0.001") + 3 * Decimal("0.010") + 3 * Decimal("0.010") + Decimal("0.20")
    assert report["total"] == expected
    assert report["handled"] == 3 and report["per_complaint"] == expected / 3
    assert report["by_kind"]["owned_read"]["repeats"] == 3


def test_a_scripted_run_with_the_users_cache_and_one_reply_per_forward(as_owner, state_account, hq):
    # Known in advance: the state account's and Lucknow's ids on file (the account audit), citizen_b looked
    # up yesterday. Three mentions: owned reads; citizen_a and citizen_c looked up in one request: two user
    # reads; three replies with codes, one of which carries HQ's forward: three summoned replies; the
    # district's Noted in the thread: an owned read, its author known by id, and the reply it answers comes
    # with it (referenced_tweets): a post read. 4 x 0.001 + 2 x 0.010 + 3 x 0.010 + 0.005.
    XAccount.objects.filter(pk=state_account.pk).update(user_id=STATE_ID)
    XAccount.objects.filter(handle__iexact="lkopolice").update(user_id=LKO_ID)
    state_account.refresh_from_db()
    XUser.objects.create(user_id="3000000000000000002", username="citizen_b", name="Citizen B",
                         fetched_at=timezone.now() - timedelta(days=1))
    as_owner.fake.add_user({"id": "3000000000000000003", "username": "citizen_c", "name": "Citizen C"})
    as_owner.fake.noted_delay = 0
    mention(as_owner, "citizen_a", "@Uppolice Hazratganj me meri bike chori ho gayi")
    mention(as_owner, "citizen_b", "@Uppolice Aliganj me raat ko chori hui")
    mention(as_owner, "citizen_c", "@Uppolice Gomti Nagar me chain snatching hui")
    assert poller.poll_account(state_account).run.error == ""
    assert _bill() == {"owned_read": 3, "user_read": 2}
    complaint = Complaint.objects.get(author_username="citizen_a")
    lifecycle.forward(complaint, "lucknow-commissionerate", actor=hq)
    assert outbox.send_due() == {"sent": 3}
    assert len(as_owner.fake.posted) == 3
    assert poller.poll_account(state_account).run.outcomes.get("noted") == 1
    assert _bill() == {"owned_read": 4, "user_read": 2, "summoned_reply": 3, "post_read": 1}
    report = ledger.month_report(ledger.utc_day())
    assert report["total"] == Decimal("0.059") and report["handled"] == 3
    assert report["per_complaint"] == Decimal("0.059") / 3


def test_mentions_read_with_the_apps_bearer_token_are_post_reads(fake_x, state_account, settings):
    settings.X_READ_MENTIONS_WITH = "app"
    mention(fake_x, "citizen_a", "@Uppolice Aliganj me raat ko chori hui")
    assert poller.poll_account(state_account).run.error == ""
    assert _bill() == {"post_read": 1, "user_read": 2}


def test_the_same_resource_is_billed_again_the_next_utc_day(db):
    now = timezone.now()
    assert ledger.record(ChargeKind.POST_READ, resource_ids=["1", "2"], at=now) == Decimal("0.010")
    assert ledger.record(ChargeKind.POST_READ, resource_ids=["2", "3"], at=now) == Decimal("0.005")
    assert ledger.record(ChargeKind.POST_READ, resource_ids=["2"], at=now + timedelta(days=1)) == Decimal("0.005")
    assert ledger.record(ChargeKind.USER_READ, n=2, at=now) == Decimal("0.020")
    assert ledger.spend(ledger.utc_day(now), ledger.utc_day(now) + timedelta(days=2))["total"] == Decimal("0.040")


def test_a_post_and_a_failed_call_are_billed_right(as_owner, state_account):
    assert ledger.charges_of("POST", "http://x/2/tweets", {"data": {"id": "9"}}, sent={"text": "hello"}) == [
        (ChargeKind.POST, ["9"])]
    assert ledger.charges_of("POST", "http://x/2/tweets", {"data": {"id": "9"}},
                             sent={"text": "see uppolice.gov.in", "reply": {"in_reply_to_tweet_id": "1"}}) == [
        (ChargeKind.POST_WITH_URL, ["9"])]
    assert ledger.charges_of("GET", f"http://x/2/users/{STATE_ID}/mentions", {"data": [{"id": "5"}]}, owner=True,
                             user_context=True) == [(ChargeKind.OWNED_READ, ["5"])]
    # Another account's mentions read with the state account's tokens are post reads, not owned reads.
    assert ledger.charges_of("GET", "http://x/2/users/2000000000000000002/mentions", {"data": [{"id": "5"}]},
                             owner=True, user_context=True) == [(ChargeKind.POST_READ, ["5"])]
    as_owner.fake.faults.append({"route": "mentions", "status": 503, "count": 10})
    assert "503" in poller.poll_account(state_account).run.error
    # Looking up the account's user id is a user read; the failed mention requests cost nothing.
    assert _bill() == {"user_read": 1}


# ---------------------------------------------------------------- the budget

def test_the_budget_warns_at_80_percent_and_holds_status_replies_at_100(as_owner, state_account, settings, hq,
                                                                       client):
    settings.X_MONTHLY_BUDGET_USD = 1.0
    mention(as_owner, "citizen_a", "@Uppolice Chinhat me raat ko patrolling nahi hoti")
    poller.poll_account(state_account)
    complaint = Complaint.objects.get()
    ledger.record(ChargeKind.POST_WITH_URL, n=4)  # 0.80 USD: the warning
    assert ledger.budget_state()["level"] == "warning"
    client.force_login(hq)
    page = client.get("/x-bill/").content.decode()
    assert 'id="x-budget"' in page and "80%" in page

    ledger.record(ChargeKind.POST_WITH_URL, n=1)  # 1.00 USD: optional spending stops
    assert ledger.optional_spending_stopped()
    mention(as_owner, "citizen_a", f"@Uppolice status {complaint.tracking_code}")
    mention(as_owner, "citizen_b", "@Uppolice Aminabad me chori ho gayi")
    poller.poll_account(state_account)
    status = Outbox.objects.get(kind=OutboxKind.STATUS)
    assert status.status == OutboxStatus.HELD
    assert hold_reasons.decode(status.reason)[0] == hold_reasons.BUDGET_SPENT
    # The replies with codes still go out, the new complaint's included.
    assert outbox.send_due() == {"sent": 2}
    assert not Outbox.objects.filter(kind=OutboxKind.REPLY_WITH_CODE).exclude(status=OutboxStatus.SENT).exists()
    assert "status replies held" in client.get("/x-bill/").content.decode()


def test_without_a_budget_nothing_is_held(as_owner, state_account, settings):
    settings.X_MONTHLY_BUDGET_USD = None
    ledger.record(ChargeKind.POST_WITH_URL, n=1000)
    assert ledger.budget_state()["level"] == "none" and not ledger.optional_spending_stopped()


# ---------------------------------------------------------------- the API

def _api(user):
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.issue(user, 'tests')[1]}")
    return client


def test_the_costs_endpoint_is_for_hq_only(db, hq, meerut_cell):
    ledger.record(ChargeKind.OWNED_READ, resource_ids=["1", "2"])
    month = ledger.utc_day().strftime("%Y-%m")
    answer = _api(hq).get(f"/api/v1/costs/?month={month}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["month"] == month and body["total"] == "0.0020"
    assert body["by_kind"]["owned_read"] == {"resources": 2, "cost": "0.0020", "repeats_not_billed": 0,
                                             "price": "0.0010"}
    assert body["complaints_handled"] == 0 and body["cost_per_complaint"] is None
    assert Decimal(body["forecast"]) >= Decimal("0.002")
    assert _api(meerut_cell).get("/api/v1/costs/").status_code == 403
    assert _api(None).get("/api/v1/costs/").status_code in (401, 403)


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "abc", "2026-00"])
def test_the_costs_endpoint_validates_the_month(db, hq, month):
    answer = _api(hq).get(f"/api/v1/costs/?month={month}")
    assert answer.status_code == 400 and "month" in answer.json()


def test_a_past_month_is_its_total_and_the_weekly_review_reads_the_ledger(db):
    from dashboard import review_report

    last_month = (ledger.utc_day().replace(day=1) - timedelta(days=1))
    ledger.record(ChargeKind.SUMMONED_REPLY, resource_ids=["7"],
                  at=timezone.now().replace(year=last_month.year, month=last_month.month, day=last_month.day))
    report = ledger.month_report(last_month)
    assert report["total"] == report["forecast"] == Decimal("0.010")
    monday = last_month - timedelta(days=last_month.weekday())
    start = timezone.make_aware(timezone.datetime.combine(monday, timezone.datetime.min.time()))
    assert review_report.x_spend(start, start + timedelta(days=7)) == Decimal("0.010")


def test_metrics_give_the_months_spend_and_the_budgets_share(db, client, settings):
    settings.X_MONTHLY_BUDGET_USD = 2.0
    ledger.record(ChargeKind.POST_WITH_URL, n=9)  # 1.80 USD
    text = client.get("/metrics").content.decode()
    assert "_x_spend_month_usd 1.8" in text and "_x_budget_share 0.9" in text
