"""Filing in batches (one INSERT per run of new complaints, of thread messages, of outbox rows) comes to
exactly what filing every mention on its own comes to: the same complaints with the same triage fields,
the same threads, events, outbox rows, duplicate hints, good-work posts and outcomes, on the bench's
stream of mentions and on hand-made threads that cross batches."""

import json
import sys

import pytest
from django.db import transaction

from complaints.models import Complaint, Event, Message
from twitter_ingest.filing import Filer
from twitter_ingest.models import DuplicateSuggestion, Mention, Outcome, Source
from twitter_ingest.recent import RecentComplaints
from twitter_ingest.tweets import envelopes_from_response

from .filing_snapshot import snapshot
from .processes import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import ingest_bench  # noqa: E402

LKO = {"id": "2000000000000000002", "username": "lkopolice", "name": "lkopolice"}
PEOPLE = [{"id": f"39000000000000000{i:02d}", "username": f"person{i}", "name": f"Person {i}"} for i in range(6)]


def tweet(number, text, person, minute, **extra):
    tweet_id = f"19000000000000000{number:02d}"
    author = PEOPLE[person] if isinstance(person, int) else person
    return {"id": tweet_id, "text": text, "author_id": author["id"], "edit_history_tweet_ids": [tweet_id],
            "created_at": f"2026-11-01T00:{minute:02d}:00.000Z", **extra}


def reply(number, text, person, minute, to):
    return tweet(number, text, person, minute, conversation_id=to,
                 referenced_tweets=[{"type": "replied_to", "id": to}])


def hand_made():
    """(first file, second file): threads within a batch and across batches, an edit, the same text to
    several handles, a text with a NUL, and a follow-up that comes before its original (merged later)."""
    root = "1900000000000000001"
    first = [
        tweet(1, "@Uppolice मेरा मोबाइल हज़रतगंज बाजार में छीन लिया गया, FIR नहीं लिखी जा रही", 0, 20,
              conversation_id=root),
        {**tweet(2, "@Uppolice मेरा मोबाइल हज़रतगंज बाजार में छीन लिया गया, FIR नहीं लिखी जा रही (edited)", 0, 21),
         "edit_history_tweet_ids": [root, "1900000000000000002"]},
        reply(3, "@Uppolice अभी तक कोई कार्यवाही नहीं हुई", 0, 22, root),
        reply(4, "@Uppolice प्रकरण संज्ञान में है, थाना हज़रतगंज को आवश्यक कार्यवाही हेतु निर्देशित किया गया है",
              LKO, 23, root),
        reply(5, "@Uppolice what is the status of my complaint?", 0, 24, root),
        reply(6, "@Uppolice thank you so much", 0, 25, root),
        tweet(7, "@Uppolice chain snatching near Aliganj\x00 please help", 1, 26),
        tweet(8, "@Uppolice @noidapolice Someone is harassing my sister near Noida sector 62, please act", 2, 27),
        tweet(9, "@Uppolice @ghaziabadpolice Someone is harassing my sister near Noida sector 62, please act", 2, 27),
        reply(11, "@Uppolice still waiting, nobody called me about the fraud", 3, 29, "1900000000000000010"),
        tweet(12, "@Uppolice @lkopolice", 4, 30),
        tweet(13, "RT @someone: theft at Gomti Nagar", 5, 31, referenced_tweets=[{"type": "retweeted", "id": root}]),
    ]
    second = [tweet(10, "@Uppolice Cyber fraud: ₹25,000 debited from my account, I live in Indirapuram", 3, 28)]
    return first, second


def envelopes(tweets):
    users = [LKO, *PEOPLE]
    found, problems = envelopes_from_response({"data": tweets, "includes": {"users": users}})
    assert not problems
    return found


def bench_stream(tmp_path, n=400):
    path = tmp_path / "mentions.jsonl"
    ingest_bench.generate(path, n, seed=3)
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        out.extend(envelopes_from_response(json.loads(raw))[0])
    return out


def file_all(tmp_path, one_by_one):
    first, second = hand_made()
    filer = Filer(source=Source.FILE)
    filer.file(bench_stream(tmp_path) + envelopes(first), batch_size=60, one_by_one=one_by_one)
    Filer(source=Source.FILE).file(envelopes(second), batch_size=60, one_by_one=one_by_one)
    return snapshot()


class _Undo(Exception):
    pass


@pytest.mark.django_db
def test_batches_file_exactly_what_one_by_one_files(tmp_path, settings):
    settings.X_AUTO_FORWARD_CONFIDENCE = 0.5  # some complaints are forwarded, so the unit's reply notes them
    try:
        with transaction.atomic():
            alone = file_all(tmp_path, one_by_one=True)
            raise _Undo  # the second run starts from the same empty desk
    except _Undo:
        pass
    assert not Mention.objects.exists()
    batched = file_all(tmp_path, one_by_one=False)
    for part in alone:
        assert batched[part] == alone[part], part
    # The input reached every kind of outcome the comparison is meant to cover.
    outcomes = {m["outcome"] for m in batched["mentions"].values()}
    assert {Outcome.COMPLAINT, Outcome.FOLLOW_UP, Outcome.DISTRICT_UPDATE, Outcome.GOOD_WORK, Outcome.IGNORED,
            Outcome.EDIT, Outcome.STATUS_REQUEST} <= outcomes
    assert Event.objects.filter(action="merged_automatically").count() == 1
    assert Message.objects.filter(tweet_id="1900000000000000003").exists()
    assert DuplicateSuggestion.objects.filter(reason__startswith="same author").exists()
    assert Complaint.objects.filter(unit__isnull=False).exists()
    assert "\x00" not in Complaint.objects.get(source_tweet_id="1900000000000000007").text


def test_duplicate_hints_look_only_at_the_last_complaints_of_the_same_author_or_unit():
    from datetime import datetime, timedelta, timezone

    at = datetime(2026, 11, 1, tzinfo=timezone.utc)
    recent = RecentComplaints()
    words = frozenset({"mobile", "stolen", "market", "hazratganj"})
    recent.remember(at, 1, "a", 7, words)
    recent.remember(at, 2, "b", 7, words | {"today"})
    # Same author, same words: that one, whatever the unit.
    assert recent.duplicate_of(at, "a", None, words) == (1, 1.0, "same author, same text (tweeted to several handles)")
    # Another author, same unit: the closest text (4 of 5 words shared with #2, all 4 with #1).
    assert recent.duplicate_of(at, "c", 7, words)[:2] == (1, 1.0)
    assert recent.duplicate_of(at, "c", 8, words) is None  # another unit
    assert recent.duplicate_of(at + timedelta(hours=7), "a", 7, words) is None  # too long after
    snap = recent.snapshot()
    for pk in range(3, 400):
        recent.remember(at, pk, "x", 9, frozenset({f"w{pk}"}))
    assert recent.duplicate_of(at, "a", 7, words) is None  # 300 complaints later it is not looked at
    recent.restore(snap)
    assert recent.duplicate_of(at, "a", 7, words)[0] == 1
