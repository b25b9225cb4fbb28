"""The users cache: mentions are polled without X's user expansions; an author is looked up only when the
desk does not know it (registered accounts by id, the users table within X_USERS_REFRESH_DAYS), the unknown
ones together in one GET /2/users?ids=, and a lookup that fails never keeps a mention from being filed."""

from datetime import timedelta

from django.utils import timezone

from complaints.models import Complaint
from districts.models import XAccount
from twitter_ingest import ledger, poller
from twitter_ingest.models import ChargeKind, Mention, Outcome, XCharge, XUser

from .conftest import LKO_ID, STATE_ID, mention

CITIZEN_A, CITIZEN_B = "3000000000000000001", "3000000000000000002"


def _lookups(fake_x):
    return [path for method, path in fake_x.fake.requests if path == "/2/users"]


def _billed_users():
    return set(XCharge.objects.filter(kind=ChargeKind.USER_READ).values_list("resource_id", flat=True))


def _user_reads():
    today = ledger.utc_day()
    return ledger.spend(today, today + timedelta(days=1))["by_kind"]["user_read"]["resources"]


def test_the_poll_asks_for_no_users_and_unknown_authors_are_looked_up_in_one_batch(fake_x, state_account):
    mention(fake_x, "citizen_a", "@Uppolice Aliganj me raat ko chori hui")
    mention(fake_x, "citizen_b", "@Uppolice @lkopolice Hazratganj me mobile chheen liya")
    mention(fake_x, "citizen_a", "@Uppolice Gomti Nagar me chain snatching hui")
    assert poller.poll_account(state_account).run.error == ""
    mentions_paths = [p for m, p in fake_x.fake.requests if p.endswith("/mentions")]
    assert mentions_paths and len(_lookups(fake_x)) == 1
    # Two citizens in one request, a user read each; @lkopolice tagged in a text costs nothing (the third
    # user read is the poller finding @Uppolice's own id by its handle, once).
    assert _billed_users() == {CITIZEN_A, CITIZEN_B, STATE_ID}
    assert set(Complaint.objects.values_list("author_username", flat=True)) == {"citizen_a", "citizen_b"}
    first = Complaint.objects.get(author_username="citizen_b")
    assert first.author_name == "Citizen B" and first.author_id == CITIZEN_B
    assert Complaint.objects.filter(author_location="Lucknow, India").count() == 2  # citizen_a's profile
    assert set(Mention.objects.values_list("author_username", flat=True)) == {"citizen_a", "citizen_b"}
    assert XUser.objects.get(user_id=CITIZEN_A).username == "citizen_a"


def test_a_known_author_and_a_unit_known_by_id_are_not_looked_up(fake_x, state_account, hq):
    XAccount.objects.filter(pk=state_account.pk).update(user_id=STATE_ID)
    state_account.refresh_from_db()
    XUser.objects.create(user_id=CITIZEN_A, username="citizen_a", name="Citizen A", location="Lucknow, India")
    XAccount.objects.filter(handle__iexact="lkopolice").update(user_id=LKO_ID)
    root = mention(fake_x, "citizen_a", "@Uppolice Hazratganj me meri bike chori ho gayi")
    assert poller.poll_account(state_account).run.error == ""
    complaint = Complaint.objects.get()
    assert complaint.author_username == "citizen_a" and complaint.author_location == "Lucknow, India"
    from complaints import lifecycle
    lifecycle.forward(complaint, "lucknow-commissionerate", actor=hq)
    # The district answers in the thread: recognised as the unit by its id on file, no lookup.
    mention(fake_x, "lkopolice", "@Uppolice Noted", in_reply_to=root["id"])
    assert poller.poll_account(state_account).run.outcomes == {"noted": 1}
    assert _lookups(fake_x) == [] and _user_reads() == 0
    assert Mention.objects.get(outcome=Outcome.NOTED).author_username == "lkopolice"


def test_an_entry_older_than_the_refresh_interval_is_looked_up_again(fake_x, state_account, settings):
    settings.X_USERS_REFRESH_DAYS = 7
    XUser.objects.create(user_id=CITIZEN_A, username="old_name", fetched_at=timezone.now() - timedelta(days=8))
    mention(fake_x, "citizen_a", "@Uppolice Aliganj me raat ko chori hui")
    poller.poll_account(state_account)
    assert len(_lookups(fake_x)) == 1
    assert XUser.objects.get(user_id=CITIZEN_A).username == "citizen_a"
    assert Complaint.objects.get().author_username == "citizen_a"


def test_suspended_authors_come_back_in_errors_beside_the_others(fake_x, state_account):
    fake_x.fake.add_user({"id": "3000000000000000009", "username": "gone_now", "name": "Gone", "_suspended": True})
    mention(fake_x, "gone_now", "@Uppolice Kanpur me dukaan me chori hui")
    mention(fake_x, "citizen_b", "@Uppolice Aliganj me raat ko chori hui")
    assert poller.poll_account(state_account).run.error == ""
    assert len(_lookups(fake_x)) == 1
    assert _billed_users() == {CITIZEN_B, STATE_ID}  # only the user X gave is billed (and the own id, once)
    assert XUser.objects.get(user_id="3000000000000000009").found is False
    suspended = Complaint.objects.get(author_id="3000000000000000009")
    assert suspended.author_username == ""  # filed all the same, by id
    # Not asked again at the next poll: X said it is not there.
    poller.poll_account(state_account)
    assert len(_lookups(fake_x)) == 1


def test_a_failed_lookup_files_anyway_and_the_handle_is_filled_in_later(fake_x, state_account):
    fake_x.fake.faults.append({"route": "users", "status": 503, "count": 5})
    mention(fake_x, "citizen_a", "@Uppolice Aliganj me raat ko chori hui")
    run = poller.poll_account(state_account).run
    assert run.error == "" and run.filed == 1
    complaint = Complaint.objects.get()
    assert complaint.author_id == CITIZEN_A and complaint.author_username == ""
    assert complaint.outbox.count() == 1  # answered with its code as any other
    fake_x.fake.faults.clear()
    poller.poll_account(state_account)  # nothing new: the handle left out is filled in
    complaint.refresh_from_db()
    assert complaint.author_username == "citizen_a" and complaint.author_name == "Citizen A"
    assert Mention.objects.get().author_username == "citizen_a"
    assert _billed_users() == {CITIZEN_A, STATE_ID}
    poller.poll_account(state_account)  # and nothing is left to ask for
    assert len(_lookups(fake_x)) == 2  # the failed one and the one that filled it
