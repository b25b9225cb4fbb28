"""Several watched accounts: @Uppolice and @dgpup polled side by side through the real tweepy client
against the simulated X API over HTTP, each with its own checkpoint, lock and rate limits; a tweet tagging
both filed once; replies posted by the account the tweet named when its tokens are set, else by the state
account."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from complaints.models import Complaint
from districts.models import XAccount
from twitter_ingest import accounts, credentials, outbox, poller, tasks
from twitter_ingest.models import (
    AccountState, AccountSwitch, Mention, MentionedAccount, Outbox, OutboxKind, OutboxStatus, PollRun,
)

from .conftest import STATE_ID, mention

DGP_ID = "2000000000000000010"
UP112_ID = "2000000000000000011"
DGP_TOKEN = "dgp-access-token-without-id-prefix"


@pytest.fixture
def dgp(fake_x, settings, state_account):
    """@dgpup watched, with its own tokens in the environment's form (the fake maps the token to its user);
    @112UttarPradesh watched without tokens."""
    fake_x.fake.add_user({"id": DGP_ID, "username": "dgpup", "name": "DGP UP"})
    fake_x.fake.add_user({"id": UP112_ID, "username": "112UttarPradesh", "name": "UP 112"})
    fake_x.fake.token_users[DGP_TOKEN] = DGP_ID
    settings.X_ACCOUNT_TOKENS = {"dgpup": (DGP_TOKEN, "dgp-secret")}
    XAccount.objects.filter(handle__in=["dgpup", "112UttarPradesh"]).update(watched=True)
    return XAccount.objects.get(handle="dgpup")


def _posted_by(fake_x, tweet_id):
    """The user id of whoever posted the reply to this tweet (the fake records each post's author)."""
    replies = [fake_x.fake.tweets[i] for i in fake_x.fake.posted
               if any(r["id"] == tweet_id for r in fake_x.fake.tweets[i].get("referenced_tweets", []))]
    assert len(replies) == 1, replies
    return replies[0]["author_id"]


def test_the_beat_task_polls_every_watched_account_and_a_tweet_tagging_two_is_filed_once(dgp, fake_x,
                                                                                          state_account):
    both = mention(fake_x, "citizen_a", "@Uppolice @dgpup chain snatching in Aminabad market")
    only_dgp = mention(fake_x, "citizen_b", "@dgpup my complaint at the thana is not registered")
    only_state = mention(fake_x, "citizen_b", "@Uppolice a broken signal at Hazratganj")
    tasks.poll_all.delay()   # eager in tests: one poll_account task per watched account
    polled = set(PollRun.objects.values_list("account__handle", flat=True))
    assert polled == {"Uppolice", "dgpup", "112UttarPradesh"}
    assert Complaint.objects.count() == 3
    assert Complaint.objects.filter(source_tweet_id=both["id"]).count() == 1
    assert Mention.objects.filter(tweet_id=both["id"]).count() == 1
    assert {a.handle for a in accounts.mentioned_in(both["id"])} == {"Uppolice", "dgpup"}
    assert [a.handle for a in accounts.mentioned_in(only_dgp["id"])] == ["dgpup"]
    assert [a.handle for a in accounts.mentioned_in(only_state["id"])] == ["Uppolice"]
    # Each checkpoint is the newest of its own timeline.
    assert AccountState.objects.get(account=state_account).since_id == only_state["id"]
    assert AccountState.objects.get(account=dgp).since_id == only_dgp["id"]
    # @dgpup was read as itself (its own token's rate-limit bucket), the state account with the bearer token.
    buckets = {token for route, token in fake_x.fake.buckets if route == "mentions"}
    assert DGP_TOKEN in buckets and "Bearer test-bearer" in buckets
    # Polling again (a second beat) files nothing more and records nothing twice.
    tasks.poll_all.delay()
    assert Complaint.objects.count() == 3 and MentionedAccount.objects.count() == 4


def test_replies_go_out_from_the_account_the_tweet_named(dgp, fake_x, state_account, settings):
    settings.X_POST_ENABLED = True
    to_dgp = mention(fake_x, "citizen_a", "@dgpup @Uppolice land grab in my village, no action for weeks")
    to_state = mention(fake_x, "citizen_b", "@Uppolice @dgpup theft of my motorcycle near the station")
    for account in poller.watched_accounts():
        poller.poll_account(account)
    assert outbox.send_due() == {"sent": 2}
    # The first account the tweet names that can post as itself answers, whichever poll filed it.
    assert _posted_by(fake_x, to_dgp["id"]) == DGP_ID
    assert _posted_by(fake_x, to_state["id"]) == STATE_ID
    rows = {r.in_reply_to_tweet_id: r.account.handle for r in Outbox.objects.filter(kind=OutboxKind.REPLY_WITH_CODE)}
    assert rows == {to_dgp["id"]: "dgpup", to_state["id"]: "Uppolice"}


def test_without_tokens_the_state_account_answers(dgp, fake_x, state_account, settings):
    settings.X_POST_ENABLED = True
    settings.X_ACCOUNT_TOKENS = {}          # @dgpup's tokens taken out of the environment
    tweet = mention(fake_x, "citizen_a", "@dgpup @Uppolice eve teasing outside the girls' college")
    for account in poller.watched_accounts():
        poller.poll_account(account)
    assert outbox.send_due() == {"sent": 1}
    assert _posted_by(fake_x, tweet["id"]) == STATE_ID
    # @dgpup's mentions were read with the state account's bearer token.
    assert DGP_TOKEN not in {token for _, token in fake_x.fake.buckets}
    assert AccountState.objects.get(account=dgp).last_success_at is not None


def test_a_tweet_naming_only_an_account_without_tokens_goes_to_a_person(dgp, fake_x, settings):
    """X refuses a reply from an account the tweet does not name: no post is tried, the row says whom to
    post it from."""
    settings.X_POST_ENABLED = True
    tweet = mention(fake_x, "citizen_a", "@112UttarPradesh the PRV did not come after my call")
    poller.poll_account(XAccount.objects.get(handle="112UttarPradesh"))
    row = Outbox.objects.get(kind=OutboxKind.REPLY_WITH_CODE, in_reply_to_tweet_id=tweet["id"])
    assert row.status == OutboxStatus.MANUAL and "@112UttarPradesh" in row.reason
    assert outbox.send_due() == {} and not fake_x.fake.posted


def test_a_429_on_one_account_does_not_stop_the_other(dgp, fake_x, state_account):
    first = mention(fake_x, "citizen_a", "@Uppolice @dgpup both accounts, first")
    fake_x.fake.faults.append({"route": "mentions", "status": 429, "reset_in": 300, "user_id": DGP_ID})
    tasks.poll_all.delay()
    dgp_state = AccountState.objects.get(account=dgp)
    assert dgp_state.rate_limited_until > timezone.now() + timedelta(seconds=200)
    assert dgp_state.since_id == ""
    state = AccountState.objects.get(account=state_account)
    assert state.since_id == first["id"] and state.rate_limited_until is None
    assert Complaint.objects.filter(source_tweet_id=first["id"]).count() == 1
    # The state account keeps polling while @dgpup waits for its reset; @dgpup's poll is skipped.
    second = mention(fake_x, "citizen_b", "@Uppolice @dgpup both accounts, second")
    assert poller.poll_account(dgp).skipped == "rate-limited"
    assert poller.poll_account(state_account).run.filed == 1
    # After the reset @dgpup catches up from its own checkpoint: both tweets read, neither filed again.
    AccountState.objects.filter(account=dgp).update(rate_limited_until=timezone.now() - timedelta(seconds=1))
    run = poller.poll_account(dgp).run
    assert (run.fetched, run.filed, run.error) == (2, 0, "")
    assert AccountState.objects.get(account=dgp).since_id == second["id"]
    assert Complaint.objects.count() == 2
    assert {a.handle for a in accounts.mentioned_in(second["id"])} == {"Uppolice", "dgpup"}


def test_each_account_has_its_own_lock(dgp, fake_x, state_account):
    mention(fake_x, "citizen_a", "@Uppolice @dgpup locked out")
    cache.add(poller.lock_key(dgp.pk), "someone-else", timeout=60)
    assert poller.poll_account(dgp).skipped == "another poller holds the lock"
    assert poller.poll_account(state_account).run.filed == 1


def test_tokens_come_from_the_environment_and_never_show(dgp, settings):
    assert credentials.env_names("dgpup") == ("X_ACCOUNT_DGPUP_ACCESS_TOKEN", "X_ACCOUNT_DGPUP_ACCESS_SECRET")
    tokens = credentials.tokens_for(dgp)
    assert tokens.source == credentials.ENVIRONMENT and DGP_TOKEN not in repr(tokens)
    assert credentials.tokens_for(XAccount.objects.get(handle="112UttarPradesh")).source == credentials.NONE


def test_settings_read_the_tokens_from_the_environment(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "X_ACCOUNT_DGPUP_ACCESS_TOKEN": "t1", "X_ACCOUNT_DGPUP_ACCESS_SECRET": "s1",
           "X_ACCOUNT_UP_112_ACCESS_TOKEN": "t2"}
    out = subprocess.run([sys.executable, "-c", "import seva.settings as s; print(sorted(s.X_ACCOUNT_TOKENS.items()))"],
                         env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[('dgpup', ('t1', 's1')), ('up_112', ('t2', ''))]"


def test_hq_switches_an_account_on_and_off(db, dgp, hq):
    up112 = XAccount.objects.get(handle="112UttarPradesh")
    account, changed = accounts.switch(up112.pk, False, hq)
    assert changed and not XAccount.objects.get(pk=up112.pk).watched
    assert poller.watched_accounts().filter(pk=up112.pk).exists() is False
    assert accounts.switch(up112.pk, False, hq)[1] is False          # already off: nothing recorded
    with pytest.raises(accounts.SwitchError):
        accounts.switch(XAccount.objects.get(handle__iexact="Uppolice").pk, False, hq)
    assert list(AccountSwitch.objects.values_list("account__handle", "watched", "by")) == [
        ("112UttarPradesh", False, hq.pk)]


def test_admin_lists_watched_accounts_and_switches_with_a_record(client, dgp):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")
    client.force_login(root)
    page = client.get(reverse("admin:twitter_ingest_watchedaccount_changelist"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "X_ACCOUNT_DGPUP_ACCESS_TOKEN" in body and DGP_TOKEN not in body
    for model in ("mentionedaccount", "accountswitch"):
        assert client.get(reverse(f"admin:twitter_ingest_{model}_changelist")).status_code == 200
    up112 = XAccount.objects.get(handle="112UttarPradesh")
    client.post(reverse("admin:twitter_ingest_watchedaccount_changelist"),
                {"action": "switch_off", "_selected_action": [up112.pk]})
    assert not XAccount.objects.get(pk=up112.pk).watched
    assert AccountSwitch.objects.get().by == root
