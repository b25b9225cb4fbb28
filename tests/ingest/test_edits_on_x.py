"""Edited tweets (issue #12, item 2): X gives an edit a new id and lists the chain in
edit_history_tweet_ids; the simulated X API edits a tweet the same way (POST /_sandbox/edit) and then
serves only the newest version in the mentions timeline."""

import requests

from complaints.models import Complaint, Message
from twitter_ingest import poller
from twitter_ingest.models import Mention, Outcome

from .conftest import mention


def _edit(fake_x, tweet_id, text):
    return requests.post(f"{fake_x.url}/_sandbox/edit", json={"id": tweet_id, "text": text}, timeout=5).json()["data"]


def test_an_edit_of_the_complaint_goes_into_its_thread_and_both_versions_stay(fake_x, state_account, hq, client):
    # Tried: a citizen's complaint, polled and filed; the citizen edits it on X; the next poll. The
    # complaint keeps the text as filed, the edit is a thread message of kind "edit" with the new text and
    # the new id, and the dashboard's thread shows it as an edit.
    original = mention(fake_x, "citizen_a", "@Uppolice Mahanagar mein chain snatching hui abhi")
    poller.poll_account(state_account)
    complaint = Complaint.objects.get(source_tweet_id=original["id"])
    edited = _edit(fake_x, original["id"], "@Uppolice Mahanagar mein chain snatching hui abhi, do ladke bike par the")
    assert edited["edit_history_tweet_ids"] == [original["id"], edited["id"]]

    run = poller.poll_account(state_account).run
    assert run.outcomes == {Outcome.EDIT: 1}
    complaint.refresh_from_db()
    assert complaint.text == "@Uppolice Mahanagar mein chain snatching hui abhi"
    message = complaint.messages.get()
    assert (message.kind, message.tweet_id, message.text) == ("edit", edited["id"], edited["text"])
    assert Mention.objects.get(tweet_id=edited["id"]).complaint == complaint
    assert complaint.events.filter(action="add_note").count() == 1
    assert Complaint.objects.count() == 1

    poller.poll_account(state_account, overlap=True)          # read again: nothing is added twice
    assert Message.objects.count() == 1

    client.force_login(hq)
    page = client.get(f"/c/{complaint.tracking_code}/").content.decode()
    assert "Edited on X" in page and "do ladke bike par the" in page


def test_an_edit_of_a_follow_up_and_an_edit_of_an_edit(fake_x, state_account):
    # Tried: a follow-up in a complaint's thread edited twice. Each version stays in the thread, in
    # order: the follow-up as sent, then the two edits.
    original = mention(fake_x, "citizen_a", "@Uppolice Alambagh mein ghar mein chori hui, tala toda")
    follow_up = mention(fake_x, "citizen_a", "@Uppolice gehne aur 20000 nakad gaye", in_reply_to=original["id"])
    poller.poll_account(state_account)
    complaint = Complaint.objects.get(source_tweet_id=original["id"])
    first = _edit(fake_x, follow_up["id"], "@Uppolice gehne aur 25000 nakad gaye")
    poller.poll_account(state_account)
    second = _edit(fake_x, first["id"], "@Uppolice gehne aur 25000 nakad gaye, padosi ne dekha tha")
    assert second["edit_history_tweet_ids"] == [follow_up["id"], first["id"], second["id"]]
    poller.poll_account(state_account)
    thread = list(complaint.messages.order_by("pk").values_list("kind", "tweet_id"))
    assert thread == [("citizen", follow_up["id"]), ("edit", first["id"]), ("edit", second["id"])]
    assert Complaint.objects.count() == 1


def test_an_edit_whose_earlier_version_was_never_filed_is_read_on_its_own(fake_x, state_account):
    # Tried: a tweet edited before any poll saw it: only the newest version is served, its earlier
    # version is nowhere on file, so it is read as a mention of its own (here a new complaint).
    original = mention(fake_x, "citizen_a", "@Uppolice Rajajipuram")
    edited = _edit(fake_x, original["id"], "@Uppolice Rajajipuram mein raat bhar DJ baj raha hai, so nahi pa rahe")
    poller.poll_account(state_account)
    assert Mention.objects.get().tweet_id == edited["id"]
    assert Complaint.objects.get().source_tweet_id == edited["id"]
