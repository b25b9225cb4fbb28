"""The desk's reading of a mention, carried out end to end: mentions go through tweepy and the simulated X,
are read by complaints.triage, and the filer acts on the reading (what is filed, restricted, urgent, where
it is suggested, in which language it is answered, what records Noted, what is only counted)."""

import pytest
from django.test import Client

from complaints import lifecycle, reasons
from complaints.models import Complaint, Status
from districts.models import XAccount
from twitter_ingest import poller
from twitter_ingest.models import AccountCandidate, Mention, NotFiled, Outbox, OutboxKind

from .conftest import mention


def _poll(account):
    run = poller.poll_account(account).run
    assert run.error == ""
    return run


def test_what_a_citizen_writes_is_filed_as_the_desk_reads_it(fake_x, state_account):
    mention(fake_x, "citizen_b", "@Uppolice ग्राम रामपुर थाना रामसनेहीघाट जनपद बाराबंकी में दबंगों ने जमीन पर कब्जा कर लिया",
            lang="hi")
    mention(fake_x, "citizen_b", "@Uppolice bhaiya mere ghar ke bahar ladke roz sharab peekar hungama karte hain",
            lang="in")
    mention(fake_x, "citizen_b", "@Uppolice गोलियां चल रही हैं मोहल्ले में, जल्दी आइए, सुल्तानपुर रोड लखनऊ", lang="hi")
    mention(fake_x, "citizen_b", "@Uppolice meri behen ke saath dushkarm hua hai, FIR nahi likh rahe", lang="und")
    run = _poll(state_account)
    assert run.outcomes == {"complaint": 4}
    place, hinglish, shots, restricted = Complaint.objects.order_by("pk")

    assert place.suggested_unit.slug == "barabanki"
    assert "जनपद बाराबंकी" in place.suggestion_reason
    assert place.triage["unit"]["value"] == "barabanki"
    assert any("बाराबंकी" in e["words"] for e in place.triage["unit"]["evidence"])

    # X tagged it "in"; the words are Hindi in Latin script, so the desk answers in Hindi.
    assert (hinglish.language, hinglish.x_lang) == ("hi", "in")
    reply = Outbox.objects.get(complaint=hinglish, kind=OutboxKind.REPLY_WITH_CODE)
    assert "शिकायत" in reply.text

    assert shots.priority == "urgent" and any("गोलियां" in w for w in shots.urgent_terms)
    assert shots.suggested_unit.slug == "lucknow-commissionerate"  # the road is named after Sultanpur

    assert restricted.is_restricted and restricted.triage["sensitive"]["value"] is True


def test_thanks_and_greetings_are_counted_not_filed_nor_answered(fake_x, state_account, hq):
    mention(fake_x, "citizen_b", "@Uppolice आप सभी को दीपावली की हार्दिक शुभकामनाएं 🪔")
    mention(fake_x, "citizen_b", "@Uppolice Thanks @noidapolice, my stolen phone was returned today. Great work!")
    mention(fake_x, "citizen_b", "@Uppolice UP Police constable bharti 2026 ka result kab aayega?")
    run = _poll(state_account)
    assert not Complaint.objects.exists() and not Outbox.objects.exists()
    kinds = sorted(NotFiled.objects.values_list("kind", flat=True))
    assert kinds == ["appreciation", "greeting", "not_complaint"]
    assert run.outcomes == {"appreciation": 2, "not_complaint": 1}
    thanks = NotFiled.objects.get(kind="appreciation")
    assert thanks.unit.slug == "gautam-buddh-nagar-commissionerate" and thanks.words

    # HQ reads the list and files the one it judges a complaint after all: one complaint, answered with a
    # code; a second click files nothing more.
    client = Client()
    client.force_login(hq)
    page = client.get("/not-filed/")
    assert page.status_code == 200 and "bharti" in page.content.decode()
    row = NotFiled.objects.get(kind="not_complaint")
    response = client.post("/not-filed/", {"action": "file", "pk": row.pk})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.source_tweet_id == row.mention.tweet_id
    assert Outbox.objects.filter(complaint=complaint, kind=OutboxKind.REPLY_WITH_CODE).exists()
    assert Mention.objects.get(pk=row.mention_id).outcome == "complaint"
    client.post("/not-filed/", {"action": "file", "pk": row.pk})
    assert Complaint.objects.count() == 1


def test_not_filed_page_is_for_hq_only(fake_x, state_account, meerut_cell):
    client = Client()
    client.force_login(meerut_cell)
    assert client.get("/not-filed/").status_code == 403


def test_districts_acknowledge_in_their_own_words(fake_x, state_account, hq):
    roots = [mention(fake_x, "citizen_a", f"@Uppolice Aliganj me chori hui, case {n}") for n in range(3)]
    _poll(state_account)
    complaints = list(Complaint.objects.order_by("pk"))
    for complaint in complaints:
        lifecycle.forward(complaint, "lucknow-commissionerate", actor=hq)
    # The citizen asking for cognizance never records Noted; the unit's own words do.
    mention(fake_x, "citizen_a", "@Uppolice @lkopolice कृपया संज्ञान में लें", in_reply_to=roots[0]["id"])
    mention(fake_x, "lkopolice", "@Uppolice संज्ञान लेकर आवश्यक कार्यवाही हेतु प्रभारी निरीक्षक को निर्देशित किया गया है",
            in_reply_to=roots[1]["id"])
    mention(fake_x, "lkopolice", "@Uppolice sangyan me liya gaya hai, jaanch ki ja rahi hai", in_reply_to=roots[2]["id"])
    run = _poll(state_account)
    assert run.outcomes == {"follow_up": 1, "noted": 2}
    statuses = [Complaint.objects.get(pk=c.pk).status for c in complaints]
    assert statuses == [Status.FORWARDED, Status.NOTED, Status.NOTED]


def test_a_noted_from_an_account_not_on_file_is_put_to_hq(fake_x, state_account, hq):
    fake_x.fake.add_user({"id": "1900000000000000077", "username": "CP_Lko_Help", "name": "Lucknow Police Help Desk",
                          "description": "Official help desk of Lucknow Police Commissionerate"})
    fake_x.fake.add_user({"id": "1900000000000000078", "username": "lko_resident", "name": "Ravi, Lucknow",
                          "description": "Proud Lucknowite"})
    root = mention(fake_x, "citizen_a", "@Uppolice Hazratganj me chain snatching hui")
    _poll(state_account)
    complaint = Complaint.objects.get()
    lifecycle.forward(complaint, "lucknow-commissionerate", actor=hq)
    text = "@Uppolice संज्ञान लेकर थाना हजरतगंज को आवश्यक कार्यवाही हेतु निर्देशित किया गया है"
    mention(fake_x, "CP_Lko_Help", text, in_reply_to=root["id"])
    # The same words from a resident whose bio names the town but no police: the public's words.
    mention(fake_x, "lko_resident", text, in_reply_to=root["id"])
    run = _poll(state_account)
    assert run.outcomes == {"account_to_confirm": 1, "complaint": 1}
    candidate = AccountCandidate.objects.get()
    assert candidate.unit.slug == "lucknow-commissionerate" and candidate.complaint == complaint
    assert Complaint.objects.get(pk=complaint.pk).status == Status.FORWARDED

    client = Client()
    client.force_login(hq)
    assert "CP_Lko_Help" in client.get("/not-filed/").content.decode()
    client.post("/not-filed/", {"action": "confirm", "pk": candidate.pk})
    account = XAccount.objects.get(handle__iexact="CP_Lko_Help")
    assert account.unit.slug == "lucknow-commissionerate" and account.user_id == "1900000000000000077"
    complaint.refresh_from_db()
    assert complaint.status == Status.NOTED and complaint.noted_tweet_id == candidate.mention.tweet_id
    # Confirmed once: a second confirmation changes nothing.
    client.post("/not-filed/", {"action": "confirm", "pk": candidate.pk})
    assert XAccount.objects.filter(handle__iexact="CP_Lko_Help").count() == 1


@pytest.mark.parametrize("lang", ["qme", "und", "tl"])
def test_reply_language_does_not_follow_xs_tag(fake_x, state_account, lang):
    mention(fake_x, "citizen_b", "@Uppolice sir mera mobile chori ho gaya hai Charbagh station pe", lang=lang)
    _poll(state_account)
    complaint = Complaint.objects.get()
    assert complaint.language == "hi" and complaint.x_lang == lang


def test_the_complaint_page_and_the_api_say_why(fake_x, state_account, hq):
    mention(fake_x, "citizen_b", "@Uppolice मेरठ रोड हापुड़ में बाइक चोरी हो गई, थाना पिलखुवा", lang="hi")
    _poll(state_account)
    complaint = Complaint.objects.get()
    assert complaint.suggested_unit.slug == "hapur"
    client = Client()
    client.force_login(hq)
    page = client.get(f"/c/{complaint.tracking_code}/").content.decode()
    assert 'id="triage"' in page and "हापुड़" in page
    from districts.tokens import issue

    _, secret = issue(hq, "test")
    api = Client(HTTP_AUTHORIZATION=f"Token {secret}")
    body = api.get(f"/api/v1/complaints/{complaint.tracking_code}/").json()
    assert body["language"] == "hi" and body["suggested_unit"]["slug"] == "hapur"
    assert body["triage"]["unit"]["value"] == "hapur" and body["triage"]["unit"]["evidence"]
    assert body["urgent_terms"] == [] and body["is_restricted"] is False and body["priority"] == "normal"


def test_the_model_reads_what_the_rules_could_not_place(fake_x, state_account, hq):
    from complaints.triage import model

    model.train_and_store(seed_only=True)
    mention(fake_x, "citizen_b", "@Uppolice mera phone kho gaya hai, kripya madad karein")
    mention(fake_x, "citizen_b", "@Uppolice जनपद बाराबंकी में मेरा फोन चोरी हो गया")
    _poll(state_account)
    unplaced, placed = Complaint.objects.order_by("pk")
    # Ranked at filing only where the rules found no place; the placed one is read when its page opens.
    assert unplaced.triage["model"]["unit"] and "model" not in placed.triage
    assert placed.suggested_unit.slug == "barabanki"
    if unplaced.suggested_unit_id:
        assert reasons.code_of(unplaced.suggestion_reason) == reasons.MODEL_SUGGESTS and unplaced.suggestion_confidence <= 0.4
    client = Client()
    client.force_login(hq)
    page = client.get(f"/c/{placed.tracking_code}/").content.decode()
    assert "The learned model" in page
