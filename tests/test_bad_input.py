"""Hostile and unusual complaint text is stored faithfully, or cleaned with the change recorded; bad
values get a clear error and change nothing."""

import pytest

from complaints import codes, lifecycle
from complaints.models import Complaint

pytestmark = pytest.mark.django_db

FAITHFUL = {
    "emoji": "पुलिस मदद करो 🙏🚨👮‍♀️ help",
    "rtl_marks": "‏اردو میں شکایت‏ \u200f complaint \u200e",
    "zwj_zwnj": "क्‍ष and क्‌ष and र्‍य",  # ZWJ / ZWNJ change how conjuncts render
    "nukta_both_ways": "ज़मीन ज़मीन फ़ोन",  # precomposed U+095B and ज + ़
    "astral": "𝐁𝐨𝐥𝐝 𝕿𝖊𝖝𝖙 𠀀 and 🏳️‍🌈",
    "long": ("लूट की शिकायत " * 800)[:10_000],
}


@pytest.mark.parametrize("name", FAITHFUL)
def test_stored_exactly(name):
    text = FAITHFUL[name]
    c = lifecycle.file_complaint(text=text, source_tweet_id=str(1861000000000100000 + len(name)))
    assert Complaint.objects.get(pk=c.pk).text == text
    assert "text_cleaned" not in c.events.get().data


def test_nul_is_stripped_and_recorded():
    c = lifecycle.file_complaint(text="chori\x00 ho gayi\x00", source_tweet_id="1861000000000200001")
    fresh = Complaint.objects.get(pk=c.pk)
    assert fresh.text == "chori ho gayi"
    event = fresh.events.get()
    assert "text_cleaned" in event.data and "NUL" in event.note


def test_lone_surrogate_is_replaced_and_recorded():
    c = lifecycle.file_complaint(text="bad \ud800 half", source_tweet_id="1861000000000200002")
    assert Complaint.objects.get(pk=c.pk).text == "bad \ufffd half"
    assert c.events.get().data["text_cleaned"]


@pytest.mark.parametrize("text", ["", "   ", "\x00\x00", None])
def test_empty_text_is_refused(text):
    with pytest.raises(lifecycle.InvalidValue):
        lifecycle.file_complaint(text=text, source_tweet_id="1861000000000300001")
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("tweet_id", ["1.861e18", "abc", "-5", "18610000000000000000000", "१२३", "12 34"])
def test_bad_tweet_ids_are_refused(tweet_id):
    with pytest.raises(lifecycle.InvalidValue):
        lifecycle.file_complaint(text="x", source_tweet_id=tweet_id)
    assert not Complaint.objects.exists()


def test_tweet_id_beyond_2_53_round_trips():
    big = str(2**63 - 1)
    c = lifecycle.file_complaint(text="big id", source_tweet_id=big)
    assert Complaint.objects.get(pk=c.pk).source_tweet_id == big


@pytest.mark.parametrize("raw,error", [
    ("UPP-1234", codes.MalformedCode), ("🙂🙂🙂", codes.MalformedCode), ("'; DROP TABLE x; --", codes.MalformedCode),
])
def test_malformed_lookups(raw, error):
    with pytest.raises(error):
        lifecycle.find_by_code(raw)


def test_unknown_but_valid_code(make_complaint):
    make_complaint()
    code = codes.generate()
    with pytest.raises(Complaint.DoesNotExist):
        lifecycle.find_by_code(code)
