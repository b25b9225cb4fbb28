"""The outbox posts each row at most once, whatever happened to earlier attempts: the look-back reads the
account's timeline back to the row's first post attempt (not only the newest 100 posts), claims fence
stale senders out, and what cannot be checked goes to a person. Through tweepy against the simulated X
API, which here accepts the same text twice (X's duplicate check is not something to lean on), so a
second post would show."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import timezone

from complaints import lifecycle
from complaints import reasons
from twitter_ingest import outbox
from twitter_ingest.models import Outbox, OutboxStatus

from .conftest import STATE_ID, mention


@pytest.fixture
def sending(fake_x, state_account, settings):
    settings.X_POST_ENABLED = True
    settings.X_OUTBOX_CLAIM_SECONDS = 60
    fake_x.fake.reject_duplicates = False
    return fake_x


def file(fake_x, n=1):
    rows = []
    for i in range(n):
        tweet = mention(fake_x, "citizen_a", f"@Uppolice Aminabad me jebkatri {i}")
        complaint = lifecycle.file_complaint(text=tweet["text"], source_tweet_id=tweet["id"],
                                             author_username="citizen_a", conversation_id=tweet["id"])
        rows.append(Outbox.objects.get(complaint=complaint))
    return rows


def posts_of(fake_x, row):
    """The account's posts with the row's text in reply to the row's tweet."""
    fake = fake_x.fake
    return [i for i in fake.posted if fake.tweets[i]["text"] == row.text
            and fake.tweets[i].get("referenced_tweets", [{}])[0].get("id") == row.in_reply_to_tweet_id]


def died_after_posting(fake_x, row, *, ago=120, text=None):
    """An earlier attempt asked for the post `ago` seconds ago, X accepted it, and the sender died before
    writing it down: the row is left "sending" with its first post attempt recorded."""
    at = timezone.now() - timedelta(seconds=ago)
    Outbox.objects.filter(pk=row.pk).update(status=OutboxStatus.SENDING, attempts=1, claim_token="dead-sender",
                                            claimed_at=at, lookback_from=at, post_texts=[text or row.text])
    status, body = fake_x.fake.create_tweet(STATE_ID, {"text": text or row.text,
                                                       "reply": {"in_reply_to_tweet_id": row.in_reply_to_tweet_id}})
    assert status == 201
    return body["data"]["id"]


def busy_account(fake_x, n):
    """The account posted n other tweets since: the first post scrolls out of the newest 100."""
    for i in range(n):
        fake_x.fake.add_tweet({"author": "Uppolice", "text": f"Traffic advisory number {i}"})


def test_a_retry_reads_back_past_a_backlog_of_posts(sending):
    row = file(sending)[0]
    first = died_after_posting(sending, row)
    busy_account(sending, 250)
    assert outbox.send_due() == {"sent": 1}
    row.refresh_from_db()
    assert row.posted_tweet_id == first and posts_of(sending, row) == [first]
    assert row.lookback_reads == 3            # 250 + 1 posts since its first attempt: three pages of 100
    assert "earlier attempt" in reasons.describe_in("en", row.reason)


def test_a_released_row_is_tried_before_the_backlog(sending, settings):
    rows = file(sending, 3)
    died_after_posting(sending, rows[2])
    Outbox.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(next_attempt_at=timezone.now() - timedelta(seconds=5))
    assert outbox.send_due(limit=1) == {"sent": 1}
    assert Outbox.objects.get(pk=rows[2].pk).status == OutboxStatus.SENT
    assert Outbox.objects.filter(status=OutboxStatus.PENDING).count() == 2


def test_a_timeout_whose_post_landed_is_found_not_posted_again(sending, settings):
    row = file(sending)[0]
    settings.X_API_TIMEOUT = 0.5
    settings.X_OUTBOX_CLAIM_SECONDS = 5
    settings.X_OUTBOX_BACKOFF_SECONDS = 0.1      # the wait below is the settling time, not the backoff
    # X takes the post, then answers after the client has given up.
    sending.fake.faults.append({"route": "post", "delay": 1.5, "after": True})
    assert outbox.send_due() == {"pending": 1}
    row.refresh_from_db()
    assert "transient" in reasons.describe_in("en", row.reason) and row.lookback_from and row.post_texts == [row.text]
    # The next attempt waits until the post has had as long to land as a dead sender's would.
    assert row.next_attempt_at >= row.lookback_from + timedelta(seconds=5)
    assert len(posts_of(sending, row)) == 1
    Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox.send_due() == {"sent": 1}
    row.refresh_from_db()
    assert posts_of(sending, row) == [row.posted_tweet_id]


def test_a_5xx_after_the_post_landed(sending):
    row = file(sending)[0]
    sending.fake.faults.append({"route": "post", "status": 503, "after": True})
    assert outbox.send_due() == {"pending": 1}
    Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox.send_due() == {"sent": 1}
    row.refresh_from_db()
    assert posts_of(sending, row) == [row.posted_tweet_id]


def test_a_fault_between_look_back_pages_posts_nothing(sending, settings):
    settings.X_OUTBOX_LOOKBACK_MARGIN_SECONDS = 0          # the simulated X keeps this machine's time
    row = file(sending)[0]
    first = died_after_posting(sending, row)
    busy_account(sending, 250)
    sending.fake.faults.append({"route": "tweets", "status": 503, "skip": 1})    # the second page fails
    assert outbox.send_due() == {"pending": 1}
    row.refresh_from_db()
    assert row.lookback_reads == 1 and posts_of(sending, row) == [first]   # reads that returned posts
    sending.fake.faults.append({"route": "tweets", "status": 429, "reset_in": 1, "skip": 2})   # now the third
    Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox.send_due() == {"pending": 1}
    Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox.send_due() == {"sent": 1}          # read again from the same first attempt
    row.refresh_from_db()
    assert row.posted_tweet_id == first and posts_of(sending, row) == [first] and row.lookback_reads == 1 + 2 + 3


def test_a_look_back_that_found_nothing_is_not_read_again(sending, settings):
    settings.X_OUTBOX_LOOKBACK_MARGIN_SECONDS = 0          # the simulated X keeps this machine's time
    row = file(sending)[0]
    before = timezone.now()
    # An earlier attempt asked for the post and died; the post never reached X. Then the account got busy.
    Outbox.objects.filter(pk=row.pk).update(status=OutboxStatus.SENDING, attempts=1, claim_token="dead",
                                            claimed_at=before - timedelta(seconds=120),
                                            lookback_from=before - timedelta(seconds=120))
    busy_account(sending, 250)
    sending.fake.faults.append({"route": "post", "status": 503})     # this attempt's post fails before X
    assert outbox.send_due() == {"pending": 1}
    row.refresh_from_db()
    assert row.lookback_reads == 3 and row.lookback_from > before    # read it all: moved up to the look-back
    Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox.send_due() == {"sent": 1}
    row.refresh_from_db()
    assert row.lookback_reads == 4 and len(posts_of(sending, row)) == 1   # one page: nothing new since


def test_claimed_released_and_claimed_again_many_times(sending, settings):
    row = file(sending)[0]
    first = died_after_posting(sending, row, ago=600)
    settings.X_OUTBOX_MAX_ATTEMPTS = 10
    for attempt in range(4):
        # Each later sender dies during its look-back; the first attempt stays the floor.
        Outbox.objects.filter(pk=row.pk).update(status=OutboxStatus.SENDING, claim_token=f"dead-{attempt}",
                                                claimed_at=timezone.now() - timedelta(seconds=61))
        busy_account(sending, 60)
        assert outbox.release_stale() == 1
    assert outbox.send_due() == {"sent": 1}
    row.refresh_from_db()
    assert row.posted_tweet_id == first and posts_of(sending, row) == [first]


def test_a_stale_sender_can_neither_post_nor_write(sending):
    row = file(sending)[0]
    token = outbox.claim(row.pk)
    slow = Outbox.objects.select_related("account").get(pk=row.pk)
    assert slow.claim_token == token
    # The slow sender overran its claim; another one takes the row over and posts it.
    Outbox.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - timedelta(seconds=61))
    assert outbox.send_due() == {"sent": 1}
    slow.post_requested_at = None
    assert outbox._send(slow) == OutboxStatus.SENDING          # its claim is gone: it does not post
    assert outbox._finish(slow, status=OutboxStatus.DEAD, reason="stale") == 0
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and len(posts_of(sending, row)) == 1


def test_x_clock_behind_ours_within_the_margin(sending):
    row = file(sending)[0]
    sending.fake.clock_offset = -240          # X's clock four minutes behind: its id is "older" than the attempt
    first = died_after_posting(sending, row, ago=1)
    assert outbox.send_due(now=timezone.now() + timedelta(seconds=61)) == {"sent": 1}   # once its claim expired
    row.refresh_from_db()
    assert row.posted_tweet_id == first and posts_of(sending, row) == [first]


def test_another_rows_tweet_is_not_taken_for_this_one(sending):
    """Two rows with the same text to the same tweet: the tweet the first recorded is not the second's."""
    a, b = file(sending, 2)
    Outbox.objects.filter(pk=b.pk).update(text=a.text, in_reply_to_tweet_id=a.in_reply_to_tweet_id)
    assert outbox.send_due(limit=1) == {"sent": 1}
    a.refresh_from_db()
    b.refresh_from_db()
    # b's earlier attempt asked for the post, which never reached X.
    Outbox.objects.filter(pk=b.pk).update(status=OutboxStatus.SENDING, attempts=1, claim_token="dead",
                                          claimed_at=a.sent_at - timedelta(seconds=120),
                                          lookback_from=a.sent_at - timedelta(seconds=120), post_texts=[b.text])
    assert outbox.send_due() == {"sent": 1}
    b.refresh_from_db()
    assert b.posted_tweet_id and b.posted_tweet_id != a.posted_tweet_id and len(posts_of(sending, a)) == 2


def test_the_text_an_earlier_request_was_made_with_counts(sending):
    row = file(sending)[0]
    first = died_after_posting(sending, row, text=row.text + " (earlier wording)")
    assert outbox.send_due() == {"sent": 1}
    row.refresh_from_db()
    assert row.posted_tweet_id == first and not posts_of(sending, row)


def test_beyond_what_x_serves_goes_to_a_person(sending, settings):
    row = file(sending)[0]
    Outbox.objects.filter(pk=row.pk).update(status=OutboxStatus.SENDING, attempts=1, claim_token="dead",
                                            claimed_at=timezone.now() - timedelta(seconds=120),
                                            lookback_from=timezone.now() - timedelta(seconds=120))
    busy_account(sending, 250)
    settings.X_OUTBOX_LOOKBACK_MAX_PAGES = 2
    assert outbox.send_due() == {"manual": 1}
    row.refresh_from_db()
    assert "Not sure whether an earlier attempt posted" in reasons.describe_in("en", row.reason) and not posts_of(sending, row)


def test_the_look_back_needs_no_more_than_x_serves(sending, settings):
    """3,200 posts is X's reach for an account's own timeline; the simulated API serves no more either."""
    row = file(sending)[0]
    Outbox.objects.filter(pk=row.pk).update(status=OutboxStatus.SENDING, attempts=1, claim_token="dead",
                                            claimed_at=timezone.now() - timedelta(seconds=120),
                                            lookback_from=timezone.now() - timedelta(seconds=120))
    busy_account(sending, 3205)
    settings.X_OUTBOX_LOOKBACK_MAX_PAGES = 40
    assert outbox.send_due() == {"manual": 1}
    row.refresh_from_db()
    assert "beyond what X serves" in row.reason and row.lookback_reads == 32


def test_a_row_whose_senders_keep_dying_goes_to_the_back(sending, settings):
    rows = file(sending, 2)
    for row, attempts in ((rows[0], 1), (rows[1], settings.X_OUTBOX_MAX_ATTEMPTS)):
        Outbox.objects.filter(pk=row.pk).update(status=OutboxStatus.SENDING, attempts=attempts,
                                                claimed_at=timezone.now() - timedelta(seconds=61))
    assert outbox.release_stale() == 2
    first, again = (Outbox.objects.get(pk=row.pk) for row in rows)
    assert first.next_attempt_at < timezone.now() < again.next_attempt_at
    assert again.status == OutboxStatus.PENDING


def test_only_x_failures_count_towards_giving_up(sending, settings):
    row = file(sending)[0]
    settings.X_OUTBOX_MAX_ATTEMPTS = 2
    Outbox.objects.filter(pk=row.pk).update(attempts=5)       # five senders died holding it
    sending.fake.faults.append({"route": "post", "status": 503})
    assert outbox.send_due() == {"pending": 1}
    row.refresh_from_db()
    assert (row.attempts, row.failures) == (6, 1)
    Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    sending.fake.faults.append({"route": "tweets", "status": 503})
    assert outbox.send_due() == {"dead": 1}
    assert "Gave up after 2 failed attempts" in reasons.describe_in("en", Outbox.objects.get(pk=row.pk).reason)


def test_texts_are_compared_as_x_serves_them():
    ours = "Complaint UPP-7K3M9-Q2XCF: noted & sent to Lucknow <Police>. https://seva.example/track/UPP-7K3M9-Q2XCF/"
    served = ("@citizen_a Complaint UPP-7K3M9-Q2XCF: noted &amp; sent to Lucknow &lt;Police&gt;. "
              "https://t.co/AbC123xyz")
    assert outbox._comparable(ours) == outbox._comparable(served)
    assert outbox._comparable(ours) != outbox._comparable(served.replace("7K3M9", "7K3M8"))


def test_the_claim_must_outlive_a_request(settings):
    settings.X_API_TIMEOUT = 15.0
    settings.X_OUTBOX_CLAIM_SECONDS = 30
    with pytest.raises(SystemCheckError, match="X_OUTBOX_CLAIM_SECONDS"):
        call_command("check")
    settings.X_OUTBOX_CLAIM_SECONDS = 31
    call_command("check")
