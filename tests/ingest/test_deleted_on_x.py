"""Deleted mentions and the evidence kept of them (issue #12, item 4), through the real tweepy client
against the simulated X API: GET /2/tweets?ids= answers with X's errors[] entry for a deleted id."""

import hashlib
import json
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from complaints.models import Complaint, Event
from complaints.reasons import describe_in
from twitter_ingest import deletions, poller, tasks
from twitter_ingest.models import HashOver, Mention

from .conftest import mention


@pytest.fixture(autouse=True)
def _look_up_what_was_just_polled(settings):
    # These tests look up tweets polled a moment ago; the sweep's own selection is tested below.
    settings.X_DELETION_RECHECK_HOURS = 0


def _lookups(fake_x):
    return sum(1 for method, path in fake_x.fake.requests if method == "GET" and path == "/2/tweets")


def test_the_hash_is_over_the_bytes_x_sent(fake_x, state_account):
    # Tried: a Hindi mention with an emoji and an escaped character, polled over HTTP. The mention keeps
    # its object's bytes exactly as they are in X's response body (a later identical request returns a
    # body containing them byte for byte), the hash is over those bytes, and they are not what a
    # re-serialisation of the parsed tweet gives.
    tweet = mention(fake_x, "citizen_a", "@Uppolice हज़रतगंज में \"चोरी\" हुई 🚨 तुरंत मदद करें")
    poller.poll_account(state_account)
    stored = Mention.objects.get(tweet_id=tweet["id"])
    received = bytes(stored.received_bytes)
    assert stored.hash_over == HashOver.BYTES
    assert stored.content_hash == hashlib.sha256(received).hexdigest()
    body = requests.get(f"{fake_x.url}/2/users/{fake_x.state_id}/mentions", timeout=5, params={
        "max_results": 100, "tweet.fields": ",".join(poller.TWEET_FIELDS), "expansions": ",".join(poller.EXPANSIONS),
        "place.fields": ",".join(poller.PLACE_FIELDS),
        "media.fields": ",".join(poller.MEDIA_FIELDS)}, headers={"authorization": "Bearer test-bearer"}).content
    assert received in body
    assert json.loads(received) == stored.raw["tweet"]
    assert received != json.dumps(stored.raw["tweet"], ensure_ascii=False, sort_keys=True).encode()


def test_a_deleted_mention_is_recorded_once_and_its_copy_kept(fake_x, state_account):
    # Tried: a complaint and a follow-up filed; the complaint's tweet deleted on X; the sweep run twice,
    # and the task once more. The complaint gets one deleted_on_x event, the mention is marked, the
    # follow-up is not, and nothing of the evidence is gone.
    original = mention(fake_x, "citizen_a", "@Uppolice Kaiserbagh mein dukaan par hamla hua")
    follow_up = mention(fake_x, "citizen_a", "@Uppolice CCTV footage hai mere paas", in_reply_to=original["id"])
    poller.poll_account(state_account)
    complaint = Complaint.objects.get(source_tweet_id=original["id"])
    kept = Mention.objects.get(tweet_id=original["id"])
    requests.post(f"{fake_x.url}/_sandbox/delete", json={"ids": [original["id"]]}, timeout=5)

    result = deletions.sweep()
    assert result == {"looked_up": 2, "requests": 1, "deleted": 1, "error": "", "skipped": "", "skipped_closed": 0,
                      "skipped_police": 0, "skipped_seen_recently": 0}
    gone = Mention.objects.get(tweet_id=original["id"])
    assert gone.deleted_on_x_at is not None
    assert (bytes(gone.received_bytes), gone.content_hash, gone.raw) == (bytes(kept.received_bytes),
                                                                        kept.content_hash, kept.raw)
    assert Mention.objects.get(tweet_id=follow_up["id"]).deleted_on_x_at is None
    event = complaint.events.get(action="deleted_on_x")
    assert event.data["tweet_id"] == original["id"] and event.data["own_tweet"] is True
    assert "IST" in describe_in("en", event.note) and "बजे IST" in describe_in("hi", event.note)

    assert deletions.sweep()["deleted"] == 0
    tasks.check_deletions.delay()
    assert complaint.events.filter(action="deleted_on_x").count() == 1


def test_lookups_go_in_batches_of_100_within_the_window_and_the_run_limit(fake_x, state_account, settings):
    # Tried: 230 filed mentions, 30 of them older than the window; then a run limit of 1 request. Only
    # those in the window are looked up, 100 ids a request; with the limit, the least recently checked
    # go first, so two runs cover what one big run did.
    for i in range(230):
        mention(fake_x, "citizen_b", f"@Uppolice complaint number {i}: signal number {i} kharab hai")
    poller.poll_account(state_account)
    old = list(Mention.objects.order_by("pk").values_list("pk", flat=True)[:30])
    Mention.objects.filter(pk__in=old).update(tweeted_at=timezone.now() - timedelta(hours=25))
    settings.X_DELETION_WINDOW_HOURS = 24
    before = _lookups(fake_x)
    assert deletions.sweep()["looked_up"] == 200 and _lookups(fake_x) - before == 2
    assert not Mention.objects.filter(pk__in=old, checked_on_x_at__isnull=False).exists()

    settings.X_DELETION_MAX_LOOKUPS = 1
    Mention.objects.update(checked_on_x_at=None)
    first = deletions.sweep()
    second = deletions.sweep()
    assert first["requests"] == second["requests"] == 1
    assert Mention.objects.filter(checked_on_x_at__isnull=False).count() == 200


def test_a_429_stops_the_sweep_until_the_reset(fake_x, state_account):
    # Tried: a 429 on the lookup. The run stops without marking anything, and the next run does not call
    # X before the reset; after it, the deletion is found.
    original = mention(fake_x, "citizen_a", "@Uppolice Charbagh station ke paas jeb kat gayi")
    poller.poll_account(state_account)
    requests.post(f"{fake_x.url}/_sandbox/delete", json={"ids": [original["id"]]}, timeout=5)
    fake_x.fake.faults.append({"route": "lookup", "status": 429, "reset_in": 120})
    assert "429" in deletions.sweep()["error"]
    before = _lookups(fake_x)
    assert deletions.sweep()["skipped"].startswith("rate-limited until")
    assert _lookups(fake_x) == before and not Event.objects.filter(action="deleted_on_x").exists()
    from django.core.cache import cache
    cache.delete(deletions.WAIT_KEY)
    assert deletions.sweep()["deleted"] == 1


def test_the_complaint_page_shows_the_deletion_and_the_copy_to_those_who_may_see_it(
        fake_x, state_account, hq, bareilly_cell, client):
    # Tried: HQ opens a complaint whose tweet was deleted (the notice, the copy as received, the hash
    # that still matches); a district cell that may not see the complaint gets no page at all.
    original = mention(fake_x, "citizen_a", "@Uppolice Hazratganj mein <b>lootpaat</b> hui")
    poller.poll_account(state_account)
    complaint = Complaint.objects.get(source_tweet_id=original["id"])
    client.force_login(hq)
    assert 'id="deleted-on-x"' not in client.get(f"/c/{complaint.tracking_code}/").content.decode()
    requests.post(f"{fake_x.url}/_sandbox/delete", json={"ids": [original["id"]]}, timeout=5)
    deletions.sweep()
    page = client.get(f"/c/{complaint.tracking_code}/").content.decode()
    assert 'id="deleted-on-x"' in page and "was deleted on X at" in page and "IST" in page
    received = bytes(Mention.objects.get(tweet_id=original["id"]).received_bytes).decode()
    assert "&lt;b&gt;lootpaat&lt;/b&gt;" in page and "<b>lootpaat</b>" not in page
    assert Mention.objects.get().content_hash in page and "they still match it" in page
    assert f'"id": "{original["id"]}"' in received or f'"id":"{original["id"]}"' in received

    client.force_login(bareilly_cell)
    assert client.get(f"/c/{complaint.tracking_code}/").status_code == 404


def test_the_sweep_looks_up_only_citizens_tweets_of_open_complaints_not_seen_lately(fake_x, state_account, settings):
    # Tried: three complaints, one closed; a tweet from a police account on file in an open one; then a
    # recheck interval of 6 hours with everything just polled. Only the open complaints' citizen tweets
    # are looked up, the rest are counted as skipped; with everything seen a moment ago nothing is.
    from districts.models import XAccount
    from complaints.models import Status
    first = mention(fake_x, "citizen_a", "@Uppolice Aminabad mein chori hui")
    second = mention(fake_x, "citizen_b", "@Uppolice Alambagh mein jhagda hua")
    mention(fake_x, "citizen_c", "@Uppolice Chowk mein ladai hui")
    mention(fake_x, "lkopolice", "@Uppolice @citizen_a aapki shikayat par kaaryavahi ki ja rahi hai",
            in_reply_to=first["id"])
    poller.poll_account(state_account)
    Complaint.objects.filter(source_tweet_id=second["id"]).update(status=Status.CLOSED)
    police = Mention.objects.filter(author_username__iexact="lkopolice").values_list("author_id", flat=True).first()
    XAccount.objects.filter(handle__iexact="lkopolice").update(user_id=police)
    result = deletions.sweep()
    assert (result["looked_up"], result["skipped_closed"], result["skipped_police"]) == (2, 1, 1)
    settings.X_DELETION_RECHECK_HOURS = 6
    result = deletions.sweep()
    assert (result["looked_up"], result["requests"], result["skipped_seen_recently"]) == (0, 0, 2)
