"""The rules added after the blind development set (fixtures/triage/dev_blind.jsonl) was measured: ways of
naming a sexual offence or a woman's exposure the lexicon did not know, danger now in words it did not know,
a district's enquiry through an officer, a district in Hinglish saying the place is not its own. Each test is
written in words of its own, not copied from a corpus; the evaluation set is only measured."""

import pytest

from complaints.triage.judge import judge
from complaints.triage.normalise import skeleton

pytestmark = pytest.mark.django_db


def _forward(unit):
    return {"reply_to": "hq_forward", "forwarded_to": unit}


def test_cch_is_spelt_as_chh():
    assert skeleton("bacche") == skeleton("bachhe") == skeleton("bachche")
    assert skeleton("acchha") == skeleton("achha")


def test_a_child_kidnapped_in_hinglish_with_cch_is_urgent_and_restricted():
    found = judge("@Uppolice abhi kisi ne do bacchon ko kidnap kar liya, gali ke bahar se, Unnao")
    assert found.urgent.value and found.sensitive.value


@pytest.mark.parametrize("text", [
    "@Uppolice koi meri cousin ki photos ek call girl site par daal raha hai, Bijnor",
    "@Uppolice Hotel ke washroom me hidden camera mila, hum teen ladkiyan thi, Agra",
    "@Uppolice मोहल्ले में किन्नर साथी के कपड़े फाड़ दिए कुछ शराबियों ने, जनपद बहराइच",
    "@Uppolice meri saheli ke saath zabardasti ki gayi party ke baad, Noida",
    "@Uppolice The accused who outraged the modesty of my niece still roams in Aligarh",
    "@Uppolice बेटी को पड़ोसी युवक बहलाकर ले गया है और धर्म परिवर्तन की बात कर रहा है, जनपद संभल",
    "@Uppolice koi meri behan ko ganda video bhej ke pareshan kar raha, Etawah",
])
def test_a_sexual_offence_or_a_womans_exposure_restricts(text):
    assert judge(text).sensitive.value


def test_an_anti_dowry_meeting_does_not_restrict():
    found = judge("@Uppolice kal college me dahej virodhi goshthi hui, SP sahab aaye the, Banda")
    assert not found.sensitive.value


@pytest.mark.parametrize("text", [
    "@Uppolice abhi do gaadi wale aaye aur fire kar rahe hain chauraahe par, Etah",
    "@Uppolice गंगा घाट पर एक युवक डूब गया है अभी, गोताखोर भेजें, जनपद कन्नौज",
    "@Uppolice padosi ne apni patni par kerosene daal diya hai, chillane ki awaaz aa rahi hai, Mau",
    "@Uppolice chauraahe par bheed jama ho rahi hai lathi leke, Sambhal",
    "@Uppolice ek 12 saal ki bachi ko becha ja raha hai, aadmi abhi gaon me hai, Shravasti",
])
def test_danger_now_in_new_words_is_urgent(text):
    assert judge(text).urgent.value


def test_a_hyphenated_habitual_ending_is_not_the_past():
    # "peet-ta" is "beats" (habitual), not "था"; the beating now stays urgent.
    found = judge("@Uppolice jija roz didi ko peet-ta hai, aaj bhi maar raha hai, Raebareli")
    assert found.urgent.value


def test_a_districts_enquiry_through_an_officer_is_noted():
    found = judge("मामले की जांच वरिष्ठ उपनिरीक्षक से कराई जा रही है।", author="hapurpolice",
                  author_unit="hapur", context=_forward("hapur"))
    assert found.kind.value == "acknowledgement"


def test_a_district_in_hinglish_saying_the_place_is_not_its_own_is_no_noted():
    found = judge("Ye gaon hamare jile ka nahi hai, Bijnor police se baat karein.", author="meerutpolice",
                  author_unit="meerut", context=_forward("meerut"))
    assert found.kind.value != "acknowledgement"
