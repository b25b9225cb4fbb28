"""Phrasings of the hand-written development cases (fixtures/triage/dev_more.jsonl): a child's age written
as a number, a minor carried off, voyeurism and sextortion, weapons brandished now, robbers fleeing now, and
their look-alikes, which must stay as they are. Written for these tests; the evaluation set is only measured."""

import json
from pathlib import Path

import pytest

from complaints.triage.judge import judge

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text", [
    "@Uppolice meri 14 saal ki beti ko gaon ke 2 ladke utha le gaye kal raat, abhi tak pata nahi chala. Hardoi",
    "@Uppolice My 16 year old daughter was lured away by a man from our village two days ago. Budaun",
    "@Uppolice मेरी 15 साल की भतीजी को पड़ोसी उठा ले गए कल शाम, कुछ पता नहीं। जनपद एटा",
])
def test_a_minor_carried_off_is_urgent_and_restricted_whatever_the_past_time_word(text):
    found = judge(text)
    assert found.urgent.value, found.urgent
    assert found.sensitive.value, found.sensitive


@pytest.mark.parametrize("text", [
    "@Uppolice pados ka aadmi chhat se nahati hui ladkiyon ki video chupke se banata hai. Mahoba",
    "@Uppolice ladki bankar video call ki, screen record karke ab 50 hazar maang raha hai. Ghazipur",
    "@Uppolice एक व्यक्ति नहाती हुई महिलाओं की चुपके से फोटो खींचता है। जनपद बांदा",
])
def test_secret_images_and_sextortion_restrict(text):
    assert judge(text).sensitive.value


@pytest.mark.parametrize("text", [
    "@Uppolice दबंग तमंचा लहराते हुए दुकानें जबरन बंद करवा रहे हैं, अभी लालकुर्ती बाजार मेरठ में",
    "@Uppolice लुटेरों ने पेट्रोल पंप लूटा, अभी हाईवे की तरफ भागे हैं। जनपद मथुरा",
    "@Uppolice abhi do log tamancha lehrate hue gali me ghoom rahe hain. Etawah",
])
def test_a_weapon_brandished_or_robbers_fleeing_now_is_urgent(text):
    assert judge(text).urgent.value


@pytest.mark.parametrize("text, what", [
    ("@Uppolice रामपुर जनपद के मिलक में बारात में हथियार लहराने का वीडियो वायरल है, कल की घटना", "urgent"),
    ("@Uppolice UP Police constable bharti ki taiyari ke liye best coaching, demo class free", "urgent"),
    ("@Uppolice बेटी की शादी में दहेज नहीं लेने वाले दूल्हे को सम्मानित करने की पहल सराहनीय है", "sensitive"),
    ("@Uppolice meter ki chhedchhad ka jhootha case bana rahe hain bijli vibhag wale. Unnao", "sensitive"),
])
def test_look_alikes_stay_plain(text, what):
    assert not getattr(judge(text), what).value


@pytest.mark.parametrize("text, kind", [
    ("@Uppolice follow back please sir 🙏", "noise"),
    ("@Uppolice UP Police constable bharti ki taiyari ke liye best coaching, demo class free, DM karein", "noise"),
    ("@Uppolice garv hai aap par, kumbh me itni bheed ko sambhala, zabardast kaam", "appreciation"),
    ("@Uppolice बेटी की शादी में दहेज नहीं लेने वाले दूल्हे को सम्मानित करने की पहल सराहनीय है", "appreciation"),
])
def test_spam_and_praise_with_a_please_or_a_par_are_kept_out(text, kind):
    assert judge(text).kind.value == kind


def test_a_please_with_a_request_still_files_a_complaint():
    found = judge("@Uppolice please help sir, padosi roz gaali dete hain aur dhamkate hain. Mau")
    assert found.kind.value == "complaint"


def test_an_adult_s_age_is_no_minor():
    """Ages above 17 are not cue words: a 25-year-old's wedding is no child marriage."""
    assert not judge("@Uppolice meri 25 saal ki behen ki shaadi me DJ band karwa diya police ne. Etah").sensitive.value


def test_the_hand_written_development_cases_are_read_right():
    rows = [json.loads(line) for line in (ROOT / "fixtures/triage/dev_more.jsonl").open(encoding="utf-8")]
    assert len(rows) >= 100 and all(r["id"].startswith("d") for r in rows)
    misses = []
    for row in rows:
        labels = row["labels"]
        found = judge(row["text"], author=row["author"], author_unit=row["author_unit"], context=row["context"],
                      lang_tag=row["lang"])
        if bool(found.sensitive.value) != labels["sensitive"] and labels["sensitive"]:
            misses.append((row["id"], "sensitive"))
        if bool(found.urgent.value) != labels["urgent"] and labels["urgent"]:
            misses.append((row["id"], "urgent"))
        if labels["kind"] == "acknowledgement" and not found.records_noted:
            misses.append((row["id"], "noted"))
        if labels["kind"] != "acknowledgement" and found.records_noted:
            misses.append((row["id"], "false noted"))
        if labels["unit"] and found.unit.value != labels["unit"]:
            misses.append((row["id"], "unit"))
    assert misses == []
