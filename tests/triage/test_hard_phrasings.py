"""The general rules added for the hard development cases (fixtures/triage/dev_hard.jsonl): spellings the
skeleton must fold, addresses written the way people write them, districts' own ways of taking a matter up,
praise and sarcasm. Each test is written in words of its own, not copied from a corpus; the evaluation set is
only measured."""

import pytest

from complaints.triage.judge import judge
from complaints.triage.normalise import skeleton, tokens

pytestmark = pytest.mark.django_db

FORWARD = {"reply_to": "hq_forward", "forwarded_to": "hapur"}


def test_a_nasal_conjunct_is_the_anusvara_spelt_out():
    assert skeleton("बन्द") == skeleton("बंद") == skeleton("band")
    assert skeleton("गोविन्द") == skeleton("गोविंद")
    assert skeleton("पत्र") == skeleton("patra")  # other final conjuncts still say their vowel


def test_an_apostrophe_inside_a_latin_word_does_not_split_it():
    assert [t.key for t in tokens("peet'ta hai")] == [skeleton("peetta"), skeleton("hai")]


def test_closed_shops_are_not_banda():
    found = judge("@Uppolice बाज़ार में झगड़े के बाद सब दुकानें बन्द, कस्बा छाता, मथुरा")
    assert found.unit.value == "mathura"


@pytest.mark.parametrize("text, unit", [
    ("@Uppolice Kaushambi (Ghaziabad) ke ek mall ki parking se meri scooty chori", "ghaziabad-commissionerate"),
    ("@Uppolice Chowk thana Lucknow ke saamne roz jebkatri hoti hai", "lucknow-commissionerate"),
    ("@Uppolice कैंट गोरखपुर थाने का सिपाही रिपोर्ट लिखने के पैसे मांगता है", "gorakhpur"),
    ("@Uppolice Kasganj Sahawar road pe raat ko truck wale se lootpaat hui", "kasganj"),
    ("@Uppolice mera maika Etah me hai aur sasural Mainpuri me, wahan dahej ke liye roz pitai hoti hai", "mainpuri"),
    ("@Uppolice Bike stunts every evening, Civil Lines Prayagraj, no patrolling", "prayagraj-commissionerate"),
])
def test_the_address_as_written_places_the_mention(text, unit):
    assert judge(text).unit.value == unit


def test_a_station_name_of_many_towns_alone_suggests_the_registry_station_unsurely():
    found = judge("@Uppolice An agent in Mahanagar took money for a passport appointment and vanished")
    assert found.unit.value == "lucknow-commissionerate"
    assert found.unit.confidence < 0.5


@pytest.mark.parametrize("text", [
    "@Uppolice ladkiyon ko naukri dilane ke bahane galat dhande me dhakelta hai ek gang. Jaunpur",
    "@Uppolice dukaan ka malik double meaning baatein karta hai mujhse aur chhune ki koshish karta hai. Agra",
    "@Uppolice नाबालिक लड़की को पड़ोस का युवक बहला फुसला कर ले गया। जनपद गोंडा",
])
def test_trafficking_touching_and_a_misspelt_minor_restrict(text):
    assert judge(text).sensitive.value


@pytest.mark.parametrize("text", [
    "@Uppolice मेरी 16 वर्षीय बेटी ट्यूशन से घर नहीं लौटी, फोन बंद है। जनपद एटा",
    "@Uppolice pados se cheekhne ki awaz aa rahi hai abhi, koi aadmi aurat ko maar raha hai. Hardoi",
    "@Uppolice mere bhai ka apharan ho gaya, 2 log car me le gaye abhi. Sitapur",
])
def test_danger_now_in_these_words_is_urgent(text):
    assert judge(text).urgent.value


def test_no_one_hurt_is_not_urgent_and_a_wedding_is_not_a_child_marriage():
    assert not judge("@Uppolice tempo ne meri car ko takkar maari, koi ghayal nahi hua. Etah").urgent.value
    found = judge("@Uppolice shaadi me harsh firing se padosi ka 10 saal ka beta ghayal hai, khoon beh raha. Budaun")
    assert found.urgent.value and not found.sensitive.value


@pytest.mark.parametrize("text, kind", [
    ("@Uppolice दिवाली की शुभकामनाएं, त्योहार पर सुरक्षा व्यवस्था के लिए धन्यवाद", ("greeting", "appreciation")),
    ("@Uppolice dhanyawad sir, par chor abhi tak nahi pakda gaya", ("complaint",)),
    ("@Uppolice FIR to ho gayi thanks par aaropi ab bhi gaon me ghoom raha", ("complaint",)),
    ("@Uppolice पुलिस की तारीफ़ सुनी है, हमारे गांव में दबंग तालाब पर कब्ज़ा कर रहे हैं। जनपद बस्ती", ("complaint",)),
    ("@Uppolice thanks for nothing, my cycle was stolen again from the same stand. Meerut", ("complaint",)),
    ("@Uppolice शानदार कार्यवाही, ऐसे ही काम करते रहिए 👍", ("appreciation",)),
])
def test_but_on_praise_and_sarcasm(text, kind):
    assert judge(text).kind.value in kind


@pytest.mark.parametrize("text", [
    "Halka incharge ko aaj hi peedit se milne ko bol diya gaya hai.",
    "Kindly share your contact details via DM so the SHO can call you.",
    "थाना पिलखुवा पुलिस मौके पर पहुंच रही है।",
    "थानाध्यक्ष को लिखित आदेश जारी कर दिए गए हैं।",
])
def test_a_unit_taking_the_matter_up_in_its_own_words_records_noted(text):
    found = judge(text, author="hapurpolice", author_unit="hapur", context=FORWARD)
    assert found.kind.value == "acknowledgement" and found.records_noted


def test_a_place_of_another_district_is_not_taken_up():
    found = judge("घटनास्थल जनपद हापुड़ का न होकर जनपद मेरठ का है।", author="hapurpolice", author_unit="hapur",
                  context=FORWARD)
    assert found.kind.value == "district_update" and not found.records_noted and found.not_concerned


def test_a_range_passing_the_forward_on_is_not_an_acknowledgement():
    found = judge("@meerutpolice प्रकरण में जांच कर कृत कार्यवाही से परिक्षेत्र कार्यालय को अवगत कराएं।",
                  author="igrangemeerut", author_unit="meerut-range",
                  context={"reply_to": "hq_forward", "forwarded_to": "meerut-range"})
    assert found.kind.value == "noise" and not found.records_noted and not found.notes_if_unnoted


def test_the_ends_of_a_journey_say_less_than_where_it_happened():
    found = judge("@Uppolice Lucknow se Gorakhpur wali train me Basti station ke paas mera bag chori ho gaya")
    assert found.unit.value == "basti"


def test_still_after_thanks_keeps_it_a_complaint():
    assert judge("@Uppolice shukriya sir, lekin dabang ab bhi roz dhamkate hain. Hardoi").kind.value == "complaint"
    assert judge("@Uppolice great work 👏 chor abhi tak pakda nahi gaya. Meerut").kind.value == "complaint"


def test_a_minor_taken_somewhere_is_urgent_and_restricted():
    found = judge("@Uppolice Our 16 year old niece was taken to Mumbai by a labour contractor last week. Kushinagar")
    assert found.urgent.value and found.sensitive.value
