"""A citizen's reply in the thread of a complaint HQ marked as a duplicate lands on the complaint that
carries on, through the real poller against the simulated X API."""

from complaints import lifecycle
from complaints.models import Complaint, Status
from twitter_ingest import poller
from twitter_ingest.models import Mention

from .conftest import mention


def test_a_reply_under_a_duplicate_goes_to_the_survivor(fake_x, state_account, hq):
    first = mention(fake_x, "citizen_a", "@Uppolice Hazratganj mein chain snatching hui, madad karein")
    second = mention(fake_x, "citizen_b", "@lucknowpolice @Uppolice Hazratganj market mein chain chheen li")
    poller.poll_account(state_account)
    survivor = Complaint.objects.get(source_tweet_id=first["id"])
    duplicate = Complaint.objects.get(source_tweet_id=second["id"])
    lifecycle.merge(duplicate, survivor, actor=hq)

    reply = mention(fake_x, "citizen_b", "@Uppolice abhi tak koi nahi aaya", in_reply_to=second["id"])
    poller.poll_account(state_account)
    assert Complaint.objects.get(pk=duplicate.pk).status == Status.DUPLICATE
    assert Mention.objects.get(tweet_id=reply["id"]).complaint_id == survivor.pk
    assert survivor.messages.filter(tweet_id=reply["id"]).exists()
    assert not Complaint.objects.filter(source_tweet_id=reply["id"]).exists()


def test_a_reply_under_a_restricted_duplicate_stays_out_of_an_open_survivor(fake_x, state_account, hq):
    first = mention(fake_x, "citizen_a", "@Uppolice Hazratganj mein chain snatching hui, madad karein")
    second = mention(fake_x, "citizen_b", "@lucknowpolice @Uppolice Hazratganj market mein chain chheen li")
    poller.poll_account(state_account)
    survivor = Complaint.objects.get(source_tweet_id=first["id"])
    duplicate = lifecycle.set_restricted(Complaint.objects.get(source_tweet_id=second["id"]), True, actor=hq)
    lifecycle.merge(duplicate, survivor, actor=hq)

    reply = mention(fake_x, "citizen_b", "@Uppolice abhi tak koi nahi aaya", in_reply_to=second["id"])
    poller.poll_account(state_account)
    assert Mention.objects.get(tweet_id=reply["id"]).complaint_id == duplicate.pk
    assert not survivor.messages.filter(tweet_id=reply["id"]).exists()
