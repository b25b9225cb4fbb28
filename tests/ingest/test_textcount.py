import pytest

from twitter_ingest.textcount import MAX_WEIGHT, fits, truncate_to_fit, weighted_length


@pytest.mark.parametrize("text, weight", [
    ("", 0),
    ("a" * 280, 280),
    ("हजरतगंज", 7),                           # Devanagari weighs 1 per code point
    ("ज़", 2),                                 # precomposed nukta letter: NFC keeps ज + ़
    ("e\u0301", 1),                            # NFC composes é
    ("😀", 2),
    ("👍🏽", 2),                                # skin-tone modifier joins the emoji
    ("👨‍👩‍👧‍👦", 2),                              # a ZWJ family is one emoji
    ("🇮🇳", 2),                                 # a flag is two regional indicators, one emoji
    ("1️⃣", 2),                                 # keycap
    ("中文", 4),                                # CJK weighs 2
    ("see https://example.com/a/very/long/path/that/goes/on?and=on", 4 + 23),
    ("www.uppolice.gov.in", 23),
    ("\u200d", 1),                             # a lone ZWJ is light
    ("‘quoted’", 8),
])
def test_weighted_length(text, weight):
    assert weighted_length(text) == weight


def test_limit_and_truncation():
    assert fits("a" * MAX_WEIGHT) and not fits("a" * (MAX_WEIGHT + 1))
    assert not fits("😀" * 141) and fits("😀" * 140)
    cut = truncate_to_fit("निस्तारण " * 60, 100)
    assert weighted_length(cut) <= 100 and cut.endswith("…")
    assert truncate_to_fit("short", 100) == "short"
