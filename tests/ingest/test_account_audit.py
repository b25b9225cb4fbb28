"""The account audit against the simulated X through tweepy: users lookup in batches of 100 with partial
errors, following pages and their rate limit, findings per circular rule, a 429 half-way (the next run
resumes and nothing is billed twice), the budget stopping it, the command's cost line, and the ingest
trusting the X user id on file (a renamed handle still counts for Noted, a look-alike does not)."""

from decimal import Decimal

import pytest
import tweepy
from django.core.management import call_command
from django.utils import timezone

from complaints import lifecycle
from complaints.models import Complaint, Status
from districts import account_rules as rules
from districts.models import AccountAuditRun, AccountCheck, AuditStatus, Unit, XAccount
from twitter_ingest import account_audit, client as xclient, poller
from twitter_ingest.fake_accounts import seed_from_registry
from twitter_ingest.ledger_models import ChargeKind, XCharge
from twitter_ingest.models import AccountState

from .conftest import LKO_ID, mention

FAULTS = {"meerutpolice": "protected", "hapurpolice": "missing", "shamlipolice": "bad_name",
          "baghpatpolice": "no_bio", "bareillypolice": "default_image", "ghaziabadpolice": "not_following"}


def _registry():
    return [{"handle": a.handle, "name": a.unit.name_en, "unit_type": a.unit.unit_type}
            for a in XAccount.objects.filter(is_active=True).select_related("unit")]


def _users_requests(server):
    return sum(1 for method, path in server.fake.requests if path in ("/2/users", "/2/users/by"))


def _findings(handle):
    return AccountCheck.objects.get(account__handle__iexact=handle).findings


def test_fake_answers_users_lookup_with_partial_errors_and_limits(fake_x):
    client = xclient.make_client(raw=False)
    response = client.get_users(usernames=["lkopolice", "nosuchunit"], user_fields=account_audit.USER_FIELDS)
    assert [u.username for u in response.data] == ["lkopolice"]
    assert response.data[0].id == int(LKO_ID) and response.data[0].protected is False
    # The unknown one comes back beside the data, in X's shape, not as a failed request.
    assert response.errors == [{
        "value": "nosuchunit", "detail": "Could not find user with usernames: [nosuchunit].",
        "title": "Not Found Error", "resource_type": "user", "parameter": "usernames", "resource_id": "nosuchunit",
        "type": "https://api.twitter.com/2/problems/resource-not-found"}]
    by_id = client.get_users(ids=[LKO_ID, "1"], user_fields=["description"])
    assert [u.id for u in by_id.data] == [int(LKO_ID)] and by_id.errors[0]["parameter"] == "ids"
    with pytest.raises(tweepy.BadRequest):  # X takes at most 100 names a request
        client.get_users(usernames=[f"unit{n}" for n in range(101)])
    with pytest.raises(tweepy.BadRequest):
        client.get_users(usernames=["not a handle"])


def test_fake_pages_following_and_rate_limits_it(fake_x):
    fake_x.fake.users[LKO_ID]["_following"] = ["Uppolice", "noidapolice", "citizen_a", "citizen_b", "Uppolice"]
    client = xclient.make_client(raw=False)
    pages = list(tweepy.Paginator(client.get_users_following, LKO_ID, max_results=2))
    assert [len(p.data) for p in pages] == [2, 2, 1]
    assert "_following" not in pages[0].data[0].data  # the fake's bookkeeping is never served
    assert fake_x.fake.limits["following"] == 15  # X's limit per 15 minutes; 3 are spent above
    for _ in range(12):
        client.get_users_following(LKO_ID)
    with pytest.raises(tweepy.TooManyRequests) as caught:
        client.get_users_following(LKO_ID)
    assert caught.value.reset_time


def test_audit_finds_what_each_account_gets_wrong_and_keeps_ids(fake_x):
    seeded = seed_from_registry(fake_x.fake, _registry(), faults=FAULTS)
    audit = account_audit.run(following=True)
    assert audit.status == AuditStatus.COMPLETE, audit.note
    assert _findings("meerutpolice") == [rules.PROTECTED]
    assert _findings("hapurpolice") == [rules.MISSING]
    assert _findings("shamlipolice") == [rules.NAME_FORM]
    assert _findings("baghpatpolice") == [rules.NO_BIO]
    assert _findings("bareillypolice") == [rules.DEFAULT_IMAGE]
    assert _findings("ghaziabadpolice") == [rules.NOT_FOLLOWING]
    assert AccountCheck.objects.get(account__handle="ghaziabadpolice").missing_follows == ["Uppolice"]
    assert _findings("VaranasiPolice") == [] and _findings("noidapolice") == []
    # The prescribed form is the district's name with Police: @lkopolice is Lucknow's well-known handle,
    # but not in that form, and the audit says so for HQ to judge.
    assert _findings("lkopolice") == [rules.HANDLE_FORM]
    # Numeric ids are kept on the accounts; an account X does not know keeps none.
    assert XAccount.objects.get(handle="VaranasiPolice").user_id == seeded["VaranasiPolice"][1]
    assert XAccount.objects.get(handle="hapurpolice").user_id is None
    # The protected account's follows are not asked for (X would not show them).
    assert AccountCheck.objects.get(account__handle="meerutpolice").follows_checked_at is None


def test_more_than_100_accounts_go_in_batches_and_are_billed_once(fake_x, settings):
    meerut = Unit.objects.get(slug="meerut")
    for n in range(110):
        XAccount.objects.create(handle=f"unit{n:03d}pol", unit=meerut, kind="designation")
    seed_from_registry(fake_x.fake, _registry(), faults={"unit007pol": "missing"})
    accounts = XAccount.objects.filter(is_active=True).count()
    assert accounts > 130
    audit = account_audit.run(following=False)
    assert audit.status == AuditStatus.COMPLETE
    assert _users_requests(fake_x) == 2 and audit.requests == 2  # 100 names, then the rest
    assert audit.checked == accounts
    billed = XCharge.objects.filter(kind=ChargeKind.USER_READ)
    assert billed.count() == accounts - 1  # the missing account is not billed
    assert audit.cost_usd == Decimal("0.01") * (accounts - 1)
    # Looked up again the same day: by id now, and X does not bill the same account twice a day.
    again = account_audit.run(following=False)
    assert again.cost_usd == 0 and billed.count() == accounts - 1
    assert {p for m, p in fake_x.fake.requests[-2:]} <= {"/2/users", "/2/users/by"}


def test_a_429_half_way_is_resumed_and_nothing_is_counted_twice(fake_x):
    meerut = Unit.objects.get(slug="meerut")
    for n in range(110):
        XAccount.objects.create(handle=f"unit{n:03d}pol", unit=meerut, kind="designation")
    seed_from_registry(fake_x.fake, _registry(), faults={})
    accounts = XAccount.objects.filter(is_active=True).count()
    fake_x.fake.faults.append({"route": "users", "status": 429, "skip": 1, "count": 1, "reset_in": 30})
    first = account_audit.run(following=False)
    assert first.status == AuditStatus.RATE_LIMITED and first.checked == 100 and first.resume_after
    assert XCharge.objects.filter(kind=ChargeKind.USER_READ).count() == 100
    resumed = account_audit.run(following=False)
    assert resumed.pk == first.pk and resumed.status == AuditStatus.COMPLETE
    assert resumed.checked == accounts and _users_requests(fake_x) == 3  # ok, refused, the rest
    charges = XCharge.objects.filter(kind=ChargeKind.USER_READ)
    assert charges.count() == accounts and set(charges.values_list("times", flat=True)) == {1}
    assert resumed.cost_usd == Decimal("0.01") * accounts
    assert AccountCheck.objects.filter(checked_at__isnull=False).count() == accounts


def test_the_spent_budget_stops_the_audit_before_it_asks_x(fake_x, settings):
    settings.X_MONTHLY_BUDGET_USD = 1.0
    from twitter_ingest import ledger

    ledger.record(ChargeKind.POST_READ, n=200)  # $1.00: the budget is spent
    audit = account_audit.run()
    assert audit.status == AuditStatus.BUDGET and _users_requests(fake_x) == 0
    assert not AccountCheck.objects.exists()


def test_the_command_shows_the_cost_first_and_asks_for_yes(fake_x, capsys):
    seed_from_registry(fake_x.fake, _registry(), faults={})
    accounts = XAccount.objects.filter(is_active=True).count()
    call_command("audit_accounts")
    out = capsys.readouterr().out
    assert f"{accounts} user reads x $0.01 = ${accounts * 0.01:.2f}" in out
    assert "Run again with --yes" in out and _users_requests(fake_x) == 0
    call_command("audit_accounts", "--dry-run", "--following")
    out = capsys.readouterr().out
    assert "Follows (circular §10)" in out and "Run again" not in out and _users_requests(fake_x) == 0
    assert not AccountAuditRun.objects.exists()
    call_command("audit_accounts", "--yes")
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("Accounts to look up:")  # the cost before anything is asked
    assert f"{accounts} account(s) checked in 1 request(s); on the X bill: ${accounts * 0.01:.2f}" in out


def test_a_renamed_account_is_found_by_its_id_and_its_noted_still_counts(fake_x, state_account, hq):
    seed_from_registry(fake_x.fake, _registry(), faults={})
    account_audit.run(following=False)
    assert XAccount.objects.get(handle="lkopolice").user_id == LKO_ID
    fake_x.fake.users[LKO_ID]["username"] = "lkopolice_UP"  # renamed on X; the id stays
    account_audit.run(following=False)
    check = AccountCheck.objects.get(account__handle="lkopolice")
    assert check.x_username == "lkopolice_UP" and rules.RENAMED in check.findings
    assert "lkopolice_UP" in rules.describe(rules.RENAMED, check.account, check)[0]
    root = mention(fake_x, "citizen_a", "@Uppolice Gomti Nagar me chain snatching hui")
    poller.poll_account(state_account)
    complaint = Complaint.objects.get()
    lifecycle.forward(complaint, "lucknow-commissionerate", actor=hq)
    mention(fake_x, "lkopolice_UP", "@Uppolice Noted", in_reply_to=root["id"])
    assert poller.poll_account(state_account).run.outcomes == {"noted": 1}
    complaint.refresh_from_db()
    assert complaint.status == Status.NOTED and complaint.noted_by.slug == "lucknow-commissionerate"


def test_a_look_alike_with_the_old_handle_and_another_id_is_not_the_unit(fake_x, state_account, hq):
    XAccount.objects.filter(handle="lkopolice").update(user_id=LKO_ID)  # as the audit keeps it
    fake_x.fake.users[LKO_ID]["username"] = "lkopolice_UP"
    fake_x.fake.add_user({"id": "7000000000000000007", "username": "lkopolice", "name": "Lko Police Fan"})
    root = mention(fake_x, "citizen_a", "@Uppolice Gomti Nagar me chain snatching hui")
    poller.poll_account(state_account)
    complaint = Complaint.objects.get()
    lifecycle.forward(complaint, "lucknow-commissionerate", actor=hq)
    mention(fake_x, "lkopolice", "@Uppolice Noted", in_reply_to=root["id"])
    run = poller.poll_account(state_account).run
    assert "noted" not in run.outcomes
    complaint.refresh_from_db()
    assert complaint.status == Status.FORWARDED and complaint.noted_at is None


def test_the_poller_goes_by_the_id_on_file(fake_x, state_account):
    """A stale id resolved from the handle earlier gives way to the one the audit keeps."""
    XAccount.objects.filter(pk=state_account.pk).update(user_id="1000000000000000001")
    AccountState.objects.create(account=state_account, user_id="999")
    mention(fake_x, "citizen_a", "@Uppolice Hazratganj me jam laga hai, madad karein")
    run = poller.poll_account(XAccount.objects.get(pk=state_account.pk)).run
    assert run.error == "" and run.fetched == 1
    assert AccountState.objects.get(account=state_account).user_id == "1000000000000000001"


def test_the_weekly_beat_task_runs_the_same_audit(fake_x, settings):
    from seva.celery import app
    from twitter_ingest import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["x-audit-accounts"]
    assert entry["task"] == "twitter_ingest.tasks.audit_accounts" and entry["task"] in app.tasks
    seed_from_registry(fake_x.fake, _registry(), faults={})
    result = tasks.audit_accounts.apply().get()
    assert result["status"] == AuditStatus.COMPLETE
    assert result["checked"] == XAccount.objects.filter(is_active=True).count()
    assert AccountAuditRun.objects.get().trigger == "beat"


def test_rules_read_hindi_names_and_the_prescribed_handle(db):
    meerut = XAccount.objects.get(handle="meerutpolice")
    check = AccountCheck(account=meerut, exists=True, x_username="meerutpolice", name="मेरठ पुलिस", verified=True,
                         protected=False, description="उत्तर प्रदेश पुलिस, मेरठ। आपात स्थिति में 112 डायल करें।",
                         profile_image_url="https://pbs.twimg.com/profile_images/1/logo.jpg",
                         checked_at=timezone.now())
    assert rules.findings(meerut, check) == []
    check.name, check.x_username = "Meerut", "meerut_cops"
    assert rules.findings(meerut, check) == [rules.RENAMED, rules.HANDLE_FORM, rules.NAME_FORM]
    check.x_username, check.name = "meerutpolice", "Meerut Police"
    check.description = "Serving the people of Meerut"
    assert rules.findings(meerut, check) == [rules.BIO_FORM]
