"""The rules table, with real-looking mentions in Hindi, English and Hinglish."""

"""The rules table, with real-looking mentions in Hindi, English and Hinglish. Each tweet is read by the desk's
triage first, told who wrote it and where it sits, exactly as the filer does."""

import pytest

from complaints.models import Status
from complaints.triage import lexicon, places
from complaints.triage.judge import judge
from twitter_ingest.classify import Kind, ThreadComplaint, context_for, decide, is_complainant

LKO, NOIDA = 10, 20
SLUGS = {LKO: "lucknow-commissionerate", NOIDA: "gautam-buddh-nagar-commissionerate"}
COMPLAINT = ThreadComplaint(pk=1, status=Status.FORWARDED, unit_id=LKO,
                            author_id="300", author_username="citizen_a", tracking_code="UPP-00000-00000")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_triage_caches():
    lexicon.forget()
    places.forget()
    yield
    lexicon.forget()
    places.forget()


def run(text, *, refs=(), author="300", username="citizen_a", unit=None, own=False, thread=None, code=None,
        candidate=None):
    complainant = thread is not None and is_complainant(thread, author, username)
    context = context_for(thread, author_is_unit=unit is not None,
                          thread_unit_slug=SLUGS.get(thread.unit_id) if thread else None, complainant=complainant)
    reading = judge(text, author=username, author_unit=SLUGS.get(unit), context=context)
    return decide(judgement=reading, text=text, ref_types=set(refs), author_id=author, username=username,
                  author_unit_id=unit, is_own=own, thread=thread, code_complaint=code, candidate_unit_id=candidate)


@pytest.mark.parametrize("text", [
    "@Uppolice Noted", "@Uppolice noted 👍", "@Uppolice Noted. Action being taken", "@Uppolice @lkopolice Noted sir",
    "@Uppolice संज्ञान में लिया गया", "@Uppolice संज्ञानित", "@Uppolice नोटेड", "@Uppolice ok noted",
    "@Uppolice प्रकरण संज्ञान में लेकर कार्यवाही की जा रही है", "@Uppolice Acknowledged, SHO informed",
    # Districts acknowledge in their own words: cognizance taken, the station directed, enquiry under way.
    "@Uppolice प्रकरण में थाना हजरतगंज को निर्देशित किया गया है",
    "@Uppolice संज्ञान लेकर आवश्यक कार्यवाही हेतु प्रभारी निरीक्षक को निर्देशित किया गया है",
    "@Uppolice अवगत कराना है कि प्रकरण संज्ञान में है, जांच की जा रही है",
    "@Uppolice Taken cognizance, SHO directed to take necessary action",
    "@Uppolice sangyan me liya gaya hai, thana prabhari ko nirdeshit kiya gaya",
    # Asking the complainant for a number to call is the unit taking the matter up.
    "@Uppolice Please share your contact number in DM",
])
def test_noted_phrases(text):
    assert run(text, author="200", username="lkopolice", unit=LKO, thread=COMPLAINT).kind == Kind.NOTED


@pytest.mark.parametrize("text", [
    "@Uppolice Sir update shortly", "@Uppolice जी",
])
def test_other_unit_replies_are_updates_that_record_noted_once(text):
    """A plain reply from the complaint's unit shows it has the matter: Noted if none was recorded."""
    decision = run(text, author="200", username="lkopolice", unit=LKO, thread=COMPLAINT)
    assert decision.kind == Kind.DISTRICT_UPDATE and not decision.flags["disposal"] and decision.flags["notes"]
    noted = ThreadComplaint(**{**COMPLAINT.__dict__, "noted": True})
    decision = run(text, author="200", username="lkopolice", unit=LKO, thread=noted)
    assert decision.kind == Kind.DISTRICT_UPDATE and not decision.flags["notes"]


@pytest.mark.parametrize("text", [
    "@Uppolice संज्ञान लेकर थाना प्रभारी को निर्देशित किया गया है", "@Uppolice Noted", "@Uppolice Please DM number",
])
def test_another_units_reply_never_records_noted(text):
    decision = run(text, author="201", username="noidapolice", unit=NOIDA, thread=COMPLAINT)
    assert decision.kind == Kind.DISTRICT_UPDATE and not decision.flags.get("notes")


@pytest.mark.parametrize("text", [
    "@Uppolice @lkopolice कृपया संज्ञान में लें, अभी तक कोई कार्यवाही नहीं हुई",
    "@Uppolice please take cognizance sir, SHO is not listening",
])
def test_a_citizen_asking_for_cognizance_is_never_noted(text):
    assert run(text, thread=COMPLAINT).kind == Kind.FOLLOW_UP
    assert run(text, author="999", username="neighbour", thread=COMPLAINT).kind == Kind.COMPLAINT


@pytest.mark.parametrize("text", [
    "@Uppolice प्रकरण का निस्तारण कर दिया गया है", "@Uppolice शिकायत निस्तारित", "@Uppolice Resolved, accused arrested",
    "@Uppolice Action taken, FIR registered", "@Uppolice अभियुक्त को गिरफ्तार कर लिया गया है",
])
def test_disposal_is_flagged_not_resolved(text):
    decision = run(text, author="200", username="lkopolice", unit=LKO, thread=COMPLAINT)
    assert decision.kind == Kind.DISTRICT_UPDATE and decision.flags["disposal"]


def test_noted_by_another_unit_is_kept_as_a_message():
    decision = run("@Uppolice Noted", author="201", username="noidapolice", unit=NOIDA, thread=COMPLAINT)
    assert decision.kind == Kind.DISTRICT_UPDATE and "unit" in decision.reason


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


@pytest.mark.parametrize("text", [
    "@Uppolice बहुत बहुत धन्यवाद, लखनऊ पुलिस ने तुरंत मदद की 🙏", "@Uppolice Thank you UP Police for the quick help",
    "@Uppolice आप सभी को दीपावली की हार्दिक शुभकामनाएं", "@Uppolice Happy Holi to all our police brothers",
])
def test_thanks_and_greetings_are_counted_not_filed(text):
    decision = run(text, author="555", username="grateful")
    assert decision.kind == Kind.APPRECIATION


def test_thanks_under_a_resolved_complaint_is_no_reopen_request():
    resolved = ThreadComplaint(**{**COMPLAINT.__dict__, "status": Status.RESOLVED})
    decision = run("@Uppolice धन्यवाद सर, समस्या का समाधान हो गया", thread=resolved)
    assert decision.kind == Kind.FOLLOW_UP and not decision.flags["reopen_request"]


def test_status_asked_in_the_thread_is_a_status_request():
    decision = run("@Uppolice sir kya update hai meri shikayat par?", thread=COMPLAINT)
    assert decision.kind == Kind.STATUS_REQUEST and decision.complaint is COMPLAINT


def test_an_account_not_on_file_naming_the_unit_is_put_to_hq():
    text = "@Uppolice संज्ञान लेकर थाना प्रभारी को निर्देशित किया गया है"
    decision = run(text, author="777", username="lko_police_new", thread=COMPLAINT, candidate=LKO)
    assert decision.kind == Kind.ACCOUNT_TO_CONFIRM
    # Naming another unit than the complaint's, it is read as the public's words.
    decision = run(text, author="777", username="noida_new", thread=COMPLAINT, candidate=NOIDA)
    assert decision.kind == Kind.COMPLAINT
