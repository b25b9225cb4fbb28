"""End to end through tweepy and the simulated API: a mention becomes a complaint, HQ forwards it, the
forward is tweeted, the district answers "Noted", follow-ups thread, status requests are answered."""

from complaints import lifecycle
from complaints.models import Complaint, Event, Message, Status
from twitter_ingest import outbox, poller
from twitter_ingest.models import DuplicateSuggestion, GoodWorkPost, Mention, Outbox, OutboxKind, OutboxStatus

from .conftest import mention


def _poll(account):
    run = poller.poll_account(account).run
    assert run.error == ""
    return run


def test_forward_is_tweeted_and_the_districts_noted_acknowledges(fake_x, state_account, hq, settings):
    settings.X_POST_ENABLED = True
    fake_x.fake.noted_delay = 0
    tweet = mention(fake_x, "citizen_a", "@Uppolice मेरी बाइक हज़रतगंज से चोरी हो गई है")
    _poll(state_account)
    complaint = Complaint.objects.get()
    assert complaint.suggested_unit.slug == "lucknow-commissionerate"
    lifecycle.forward(complaint, complaint.suggested_unit, actor=hq)
    # Forwarded before the reply with the code went out: that reply, composed as it is sent, carries the
    # code and the tag (one summoned reply billed instead of two), in the complaint's language.
    assert outbox.send_due() == {"sent": 1}
    posted = fake_x.fake.posted
    [text] = [fake_x.fake.tweets[i]["text"] for i in posted]
    assert complaint.tracking_code in text and "@lkopolice" in text and "कार्यवाही" in text
    forward = Outbox.objects.get(kind=OutboxKind.FORWARD)
    assert forward.status == OutboxStatus.SENT and forward.folded_into.kind == OutboxKind.REPLY_WITH_CODE
    assert forward.in_reply_to_tweet_id == tweet["id"]               # a reply in the citizen's thread, not a quote
    assert forward.posted_tweet_id == posted[0]
    run = _poll(state_account)
    assert run.outcomes == {"noted": 1}
    complaint.refresh_from_db()
    assert complaint.status == Status.NOTED and complaint.noted_by.slug == "lucknow-commissionerate"
    noted_tweet = Mention.objects.get(outcome="noted")
    assert complaint.noted_tweet_id == noted_tweet.tweet_id and complaint.noted_at == noted_tweet.tweeted_at


def test_noted_by_another_unit_and_district_updates(fake_x, state_account, hq):
    root = mention(fake_x, "citizen_a", "@Uppolice Gomti Nagar me chain snatching hui")
    _poll(state_account)
    complaint = Complaint.objects.get()
    lifecycle.forward(complaint, "lucknow-commissionerate", actor=hq)
    mention(fake_x, "noidapolice", "@Uppolice Noted", in_reply_to=root["id"])
    mention(fake_x, "lkopolice", "@Uppolice प्रकरण का निस्तारण कर दिया गया है", in_reply_to=root["id"])
    run = _poll(state_account)
    assert run.outcomes == {"district_update": 2}
    complaint.refresh_from_db()
    # Another unit's "Noted" records nothing; the complaint's own unit reporting an outcome shows it had
    # the matter, so its reply records Noted (none was recorded) and waits for HQ as a reported disposal.
    assert complaint.status == Status.NOTED and complaint.noted_by.slug == "lucknow-commissionerate"
    assert Message.objects.filter(complaint=complaint, kind="district").count() == 2
    assert Event.objects.filter(complaint=complaint, action="disposal_reported").exists()


def test_follow_up_threading_and_reopen_request(fake_x, state_account, hq, settings):
    settings.X_POST_ENABLED = True
    root = mention(fake_x, "citizen_a", "@Uppolice Aliganj me paani ki tanki par kabza")
    _poll(state_account)
    outbox.send_due()
    reply = Outbox.objects.get(kind=OutboxKind.REPLY_WITH_CODE)
    mention(fake_x, "citizen_a", "@Uppolice abhi tak koi nahi aaya", in_reply_to=root["id"])
    mention(fake_x, "citizen_a", "@Uppolice thank you, but when?", in_reply_to=reply.posted_tweet_id)
    assert _poll(state_account).outcomes == {"follow_up": 2}
    complaint = Complaint.objects.get()
    assert Message.objects.filter(complaint=complaint, kind="citizen").count() == 2
    for step in (lambda c: lifecycle.forward(c, "lucknow-commissionerate", actor=hq),
                 lambda c: lifecycle.note(c, actor=hq), lambda c: lifecycle.report(c, "Kabza hataya gaya", actor=hq),
                 lambda c: lifecycle.resolve(c, actor=hq)):
        complaint = step(complaint)
    mention(fake_x, "citizen_a", "@Uppolice phir se kabza ho gaya", in_reply_to=root["id"])
    _poll(state_account)
    assert Event.objects.filter(complaint=complaint, action="reopen_requested").exists()
    closing = Outbox.objects.get(kind=OutboxKind.CLOSING)
    assert "Kabza hataya gaya" in closing.text and closing.in_reply_to_tweet_id == root["id"]


def test_status_by_tweet_is_answered_not_filed(fake_x, state_account, settings):
    settings.X_POST_ENABLED = True
    mention(fake_x, "citizen_a", "@Uppolice Chinhat me raat ko patrolling nahi hoti")
    _poll(state_account)
    complaint = Complaint.objects.get()
    ask = mention(fake_x, "citizen_a", f"@Uppolice status {complaint.tracking_code.lower()}")
    other = mention(fake_x, "citizen_b", f"@Uppolice status {complaint.tracking_code}, same problem here")
    assert _poll(state_account).outcomes == {"status_request": 1, "complaint": 1}
    status = Outbox.objects.get(kind=OutboxKind.STATUS)
    # Written in Hinglish (X tags it "en" or "in"), answered in Hindi.
    assert status.in_reply_to_tweet_id == ask["id"] and "समीक्षाधीन" in status.text
    assert Complaint.objects.filter(source_tweet_id=other["id"]).exists()


def test_good_work_retweets_quotes_and_duplicates(fake_x, state_account):
    mention(fake_x, "lkopolice", "@Uppolice थाना हजरतगंज पुलिस द्वारा 2 वांछित अभियुक्त गिरफ्तार")
    first = mention(fake_x, "citizen_a", "@Uppolice Noida sector 62 me ATM ke bahar loot ho gayi abhi abhi")
    fake_x.fake.add_tweet({"author": "citizen_b", "text": "RT @citizen_a: loot", "referenced_tweets": [
        {"type": "retweeted", "id": first["id"]}], "entities": {"mentions": [{"username": "Uppolice"}]}})
    fake_x.fake.add_tweet({"author": "citizen_b", "text": "@Uppolice yahi haal hai, koi sunwai nahi",
                           "referenced_tweets": [{"type": "quoted", "id": first["id"]}]})
    mention(fake_x, "citizen_a", "@noidapolice @Uppolice Noida sector 62 me ATM ke bahar loot ho gayi abhi abhi")
    run = _poll(state_account)
    assert run.outcomes == {"good_work": 1, "complaint": 3, "ignored": 1}
    assert GoodWorkPost.objects.get().unit.slug == "lucknow-commissionerate"
    suggestion = DuplicateSuggestion.objects.get()
    assert suggestion.candidate.source_tweet_id == first["id"] and suggestion.score == 1.0


def test_urgent_and_restricted(fake_x, state_account):
    mention(fake_x, "citizen_a", "@Uppolice बचाओ! मेरे पड़ोसी तमंचा लेकर धमकी दे रहे हैं, अलीगंज")
    mention(fake_x, "citizen_b", "@Uppolice college ke bahar roz chhedchhad hoti hai")
    _poll(state_account)
    urgent, sensitive = Complaint.objects.order_by("pk")
    assert urgent.priority == "urgent" and set(urgent.urgent_terms) == {"बचाओ", "तमंचा लेकर धमकी दे रहे"}
    assert sensitive.is_restricted and not urgent.is_restricted


def test_auto_forward_above_threshold(fake_x, state_account, settings):
    settings.X_AUTO_FORWARD_CONFIDENCE = 0.9
    mention(fake_x, "citizen_a", "@Uppolice @noidapolice society guard ne maarpeet ki")
    mention(fake_x, "citizen_b", "@Uppolice Lucknow me kuch hua")
    _poll(state_account)
    tagged, named = Complaint.objects.order_by("pk")
    assert tagged.status == Status.FORWARDED and tagged.unit.slug == "gautam-buddh-nagar-commissionerate"
    assert named.status == Status.NEW
    assert Outbox.objects.filter(kind=OutboxKind.FORWARD, complaint=tagged, status=OutboxStatus.PENDING).exists()


def test_duplicates_are_found_across_polls(fake_x, state_account):
    first = mention(fake_x, "citizen_b", "@Uppolice Kavi Nagar me do ghante se jam laga hai, koi police nahi")
    _poll(state_account)
    mention(fake_x, "citizen_a", "@Uppolice Kavi Nagar me do ghante se jam laga hai, koi police nahi aayi")
    _poll(state_account)
    suggestion = DuplicateSuggestion.objects.get()
    assert suggestion.candidate.source_tweet_id == first["id"] and "similar text" in suggestion.reason
