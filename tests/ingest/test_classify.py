"""The rules table, with real-looking mentions in Hindi, English and Hinglish."""

import pytest

from complaints.models import Status
from twitter_ingest.classify import Kind, ThreadComplaint, decide, is_sensitive, says_noted, urgent_terms

LKO, NOIDA = 10, 20
COMPLAINT = ThreadComplaint(pk=1, status=Status.FORWARDED, unit_id=LKO, unit_subtree=frozenset({LKO, 11}),
                            author_id="300", author_username="citizen_a", tracking_code="UPP-00000-00000")


def run(text, *, refs=(), author="300", username="citizen_a", unit=None, own=False, thread=None, code=None):
    return decide(text=text, ref_types=set(refs), author_id=author, username=username, author_unit_id=unit,
                  is_own=own, thread=thread, code_complaint=code)


@pytest.mark.parametrize("text", [
    "@Uppolice Noted", "@Uppolice noted 👍", "@Uppolice Noted. Action being taken", "@Uppolice @lkopolice Noted sir",
    "@Uppolice संज्ञान में लिया गया", "@Uppolice संज्ञानित", "@Uppolice नोटेड", "@Uppolice ok noted",
    "@Uppolice प्रकरण संज्ञान में लेकर कार्यवाही की जा रही है", "@Uppolice Acknowledged, SHO informed",
])
def test_noted_phrases(text):
    assert says_noted(text)
    assert run(text, author="200", username="lkopolice", unit=LKO, thread=COMPLAINT).kind == Kind.NOTED


@pytest.mark.parametrize("text", [
    "@Uppolice प्रकरण में थाना हजरतगंज को निर्देशित किया गया है", "@Uppolice Please share your contact number in DM",
    "@Uppolice not noted yet by the station?", "@Uppolice Kindly DM mobile number",
])
def test_other_unit_replies_are_updates(text):
    decision = run(text, author="200", username="lkopolice", unit=LKO, thread=COMPLAINT)
    assert decision.kind == Kind.DISTRICT_UPDATE and not decision.flags["disposal"]


@pytest.mark.parametrize("text", [
    "@Uppolice प्रकरण का निस्तारण कर दिया गया है", "@Uppolice शिकायत निस्तारित", "@Uppolice Resolved, accused arrested",
    "@Uppolice Action taken, FIR registered", "@Uppolice अभियुक्त को गिरफ्तार कर लिया गया है",
])
def test_disposal_is_flagged_not_resolved(text):
    decision = run(text, author="200", username="lkopolice", unit=LKO, thread=COMPLAINT)
    assert decision.kind == Kind.DISTRICT_UPDATE and decision.flags["disposal"]


def test_noted_by_another_unit_is_kept_as_a_message():
    decision = run("@Uppolice Noted", author="201", username="noidapolice", unit=NOIDA, thread=COMPLAINT)
    assert decision.kind == Kind.DISTRICT_UPDATE and "not the complaint's unit" in decision.reason


def test_noted_on_a_complaint_not_waiting_for_it():
    noted = ThreadComplaint(**{**COMPLAINT.__dict__, "status": Status.NOTED})
    assert run("@Uppolice Noted", unit=LKO, username="lkopolice", thread=noted).kind == Kind.DISTRICT_UPDATE


@pytest.mark.parametrize("text", [
    "@Uppolice थाना कोतवाली पुलिस द्वारा 5 वांछित अभियुक्त गिरफ्तार #UPPolice",
    "@Uppolice Operation Muskaan: 3 missing children reunited with families",
    "@Uppolice Noted",   # a bare "Noted" outside any thread is still the unit's own post
])
def test_unit_posts_outside_threads_are_good_work(text):
    assert run(text, author="200", username="lkopolice", unit=LKO).kind == Kind.GOOD_WORK


@pytest.mark.parametrize("text, refs, expected", [
    ("RT @x: @Uppolice help", {"retweeted"}, Kind.RETWEET),
    ("@Uppolice ye dekho, yahi haal hai har roz", {"quoted"}, Kind.COMPLAINT),
    ("@Uppolice @lkopolice", {"quoted"}, Kind.EMPTY),
    ("@Uppolice https://t.co/abc", set(), Kind.EMPTY),
    ("@Uppolice मेरी बाइक चोरी हो गई है", set(), Kind.COMPLAINT),
    ("@Uppolice mere ghar ke saamne roz jhagda hota hai, kripya action lein", set(), Kind.COMPLAINT),
    ("@Uppolice My car was towed without any notice from Hazratganj", set(), Kind.COMPLAINT),
])
def test_citizen_tweets(text, refs, expected):
    assert run(text, refs=refs).kind == expected


def test_own_post_is_ignored():
    assert run("@Uppolice test", own=True).kind == Kind.OWN_POST


def test_follow_up_and_reopen_request():
    decision = run("@Uppolice abhi tak koi nahi aaya", thread=COMPLAINT)
    assert decision.kind == Kind.FOLLOW_UP and not decision.flags["reopen_request"]
    resolved = ThreadComplaint(**{**COMPLAINT.__dict__, "status": Status.RESOLVED})
    decision = run("@Uppolice समस्या फिर से शुरू हो गई है", thread=resolved)
    assert decision.kind == Kind.FOLLOW_UP and decision.flags["reopen_request"]


def test_someone_else_in_the_thread_files_a_new_complaint():
    decision = run("@Uppolice mere saath bhi yahi hua", author="999", username="other", thread=COMPLAINT)
    assert decision.kind == Kind.COMPLAINT and decision.flags["thread_of_other"]


def test_status_request_only_from_the_complainant():
    assert run("@Uppolice status UPP-00000-00000", code=COMPLAINT).kind == Kind.STATUS_REQUEST
    assert run("@Uppolice status UPP-00000-00000", author="999", username="x", code=COMPLAINT).kind == Kind.COMPLAINT


@pytest.mark.parametrize("text, terms", [
    ("@Uppolice बचाओ कोई मेरे घर में घुस आया है", ["बचाओ"]),
    ("@Uppolice help me please someone is following me", ["help me"]),
    ("@Uppolice accident near Chinhat, log ghayal hain", ["accident"]),
    ("@Uppolice mere bhai ko kidnap kar liya", ["kidnap"]),
    ("@Uppolice बच्चे का अपहरण हो गया है", ["अपहरण"]),
    ("@Uppolice दुकान में आग लगी है", ["आग"]),
    ("@Uppolice wo tamancha lekar ghoom raha hai aur jaan se maar dene ki dhamki de raha hai",
     ["tamancha", "dhamki", "jaan se maar"]),
    ("@Uppolice my friend is talking about suicide", ["suicide"]),
    ("@Uppolice street light kharab hai", []),
])
def test_urgent_terms(text, terms):
    assert sorted(urgent_terms(text)) == sorted(terms)


def test_sensitive():
    assert is_sensitive("@Uppolice college ke bahar ladkiyon se chhedchhad hoti hai")
    assert is_sensitive("@Uppolice दहेज के लिए प्रताड़ना")
    assert not is_sensitive("@Uppolice bike chori")
