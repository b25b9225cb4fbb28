"""Text as the region writes it folds to one key per word; words that only look alike stay apart."""

import unicodedata

import pytest

from complaints.triage.lexicon import Lexicon, Term
from complaints.triage.normalise import ascii_digits, fold, skeleton, tokens

NUKTA = "\u093c"
ZWJ, ZWNJ = "\u200d", "\u200c"


def keys(text):
    return [t.key for t in tokens(text)]


def test_nukta_in_either_encoding_and_without_it():
    precomposed = "\u095b"  # ज़ as one code point
    combining = "ज" + NUKTA
    assert unicodedata.normalize("NFC", combining) != combining or precomposed != combining
    assert skeleton("ग़ाज़ियाबाद") == skeleton("गा" + NUKTA + "ज" + NUKTA + "ियाबाद") == skeleton("गाजियाबाद")
    assert skeleton(precomposed + "हर") == skeleton(combining + "हर") == skeleton("जहर")
    assert fold(precomposed + "हर") == fold(combining + "हर") == fold("जहर")


def test_chandrabindu_reads_as_anusvara():
    assert skeleton("पहुँच") == skeleton("पहुंच")
    assert fold("पहुँच") == fold("पहुंच")


def test_zero_width_joiners_inside_words_are_dropped():
    assert keys("प" + ZWNJ + "्लॉट") == keys("प्लॉट")
    assert keys("द्" + ZWJ + "वारा") == keys("द्वारा")
    assert len(keys("फैक" + ZWNJ + "्‌ट्री चल रही")) == 3


def test_indic_digits_become_ascii():
    assert fold("१२३ ৪৫") == "123 45"
    assert ascii_digits("UPP-BH८VG-S९ZMD") == "UPP-BH8VG-S9ZMD"
    assert keys("१४ साल") == keys("14 saal")


@pytest.mark.parametrize("spelling", ["कार्यवाही", "कार्रवाई", "कारवाई", "karwai", "karyavahi", "kaarwai"])
def test_the_three_spellings_of_action_are_one_word(spelling):
    assert skeleton(spelling) == skeleton("कार्यवाही")


@pytest.mark.parametrize("devanagari, latin", [
    ("पीट रहे", "peet rahe"), ("उठा ले गए", "utha le gaye"), ("संज्ञान", "sangyaan"), ("दहेज", "dahej"),
    ("छेड़छाड़", "chhedchhad"), ("बचाओ", "bachao"), ("गोलियां", "goliyan"), ("ससुराल", "sasural"),
    ("निर्देशित", "nirdeshit"), ("सम्बन्धित", "sambandhit"), ("क्षेत्र", "kshetra"), ("है", "hai"),
])
def test_hinglish_in_latin_script_meets_the_devanagari_word(devanagari, latin):
    assert keys(devanagari) == keys(latin)


@pytest.mark.parametrize("one, other", [("आगरा", "अगर"), ("बांदा", "बंद"), ("भाभी", "भाई"), ("Agra", "agar")])
def test_words_that_only_look_alike_stay_apart(one, other):
    assert skeleton(one) != skeleton(other)


def test_mentions_and_links_are_not_words_of_the_text():
    assert keys("@Uppolice @lkopolice chori https://t.co/Ab12 hui") == keys("chori hui")


def _matches(terms, text):
    lex = Lexicon([Term(t, "urgent", source="test") for t in terms])
    toks = tokens(text)
    return list(dict.fromkeys(text[toks[h.first].start:toks[h.last].end] for h in lex.scan(toks)))


@pytest.mark.parametrize("text, found", [
    ("गांव में गोलियां चल रही हैं", "गोलियां चल"), ("goliyaan chal rahi", "goliyaan chal"),
    ("log use maar rahe hain", "maar rahe"), ("बदमाश पीट रहे हैं", "पीट रहे"), ("dukaan loot li", "loot"),
    ("लूटा गया", "लूटा"), ("marpeet ho rahi", "marpeet"),
])
def test_a_term_ending_in_a_star_matches_the_word_s_inflections(text, found):
    assert _matches(["गोलियां चल*", "goliyan chal*", "मार रह*", "पीट रह*", "लूट*", "मारपीट*"], text) == [found]


def test_without_a_star_only_the_whole_word_matches():
    assert _matches(["लूट"], "लूटा गया") == []
    assert _matches(["लूट"], "लूट हुई") == ["लूट"]
