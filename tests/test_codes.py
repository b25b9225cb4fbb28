"""Tracking codes: format, round trip, typo detection (every single-symbol error and every adjacent
transposition), forgiving lookup, and no collision in a million generated codes."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaints import codes

symbols = st.text(alphabet=codes.ALPHABET, min_size=codes.RANDOM_SYMBOLS, max_size=codes.RANDOM_SYMBOLS)


def _code_for(body):
    return codes.format_code(body + codes.check_symbol(body))


def test_format_is_short_and_tweetable():
    code = codes.generate()
    assert len(code) == len("UPP-XXXXX-XXXXX")
    prefix, first, second = code.split("-")
    assert prefix == "UPP" and len(first) == len(second) == 5
    assert set(first + second) <= set(codes.ALPHABET)
    # Letters that are read out wrongly on a phone never appear.
    assert not set(first + second) & set("ILOU")


@given(symbols)
def test_round_trip(body):
    code = _code_for(body)
    assert codes.normalise(code) == code
    assert codes.normalise(code.lower()) == code
    assert codes.normalise(code.replace("-", "")) == code
    assert codes.normalise(" ".join(code.replace("-", ""))) == code


@given(symbols, st.integers(min_value=0, max_value=codes.RANDOM_SYMBOLS), st.integers(min_value=1, max_value=31))
def test_every_single_symbol_error_is_detected(body, position, shift):
    full = body + codes.check_symbol(body)
    wrong = codes.ALPHABET[(codes.ALPHABET.index(full[position]) + shift) % 32]
    mistyped = full[:position] + wrong + full[position + 1:]
    with pytest.raises(codes.CodeTypo):
        codes.normalise("UPP" + mistyped)


@given(symbols, st.integers(min_value=0, max_value=codes.RANDOM_SYMBOLS - 1))
def test_every_adjacent_transposition_is_detected(body, position):
    full = body + codes.check_symbol(body)
    if full[position] == full[position + 1]:
        return  # swapping equal symbols changes nothing
    swapped = full[:position] + full[position + 1] + full[position] + full[position + 2:]
    with pytest.raises(codes.CodeTypo):
        codes.normalise(swapped)


def test_single_errors_exhaustively_for_one_code():
    """Belt and braces beside the property tests: all 10 × 31 substitutions of one code."""
    body = "7K3M9Q2XC"
    full = body + codes.check_symbol(body)
    for pos in range(len(full)):
        for ch in codes.ALPHABET:
            if ch != full[pos]:
                assert not codes.is_valid_body(full[:pos] + ch + full[pos + 1:])


@pytest.mark.parametrize("typed", [
    "upp-{a}-{b}", "UPP {a} {b}", "{a}{b}", "upp{a}{b}", " UPP–{a}–{b} ", "UPP_{a}_{b}",
])
def test_forgiving_shapes(typed):
    code = _code_for("7K3M9Q2XC")
    a, b = code.split("-")[1:]
    assert codes.normalise(typed.format(a=a, b=b)) == code


def test_confusable_letters_and_devanagari_digits():
    body = "70K1M9Q2X"
    code = _code_for(body)
    # O for 0, I and L for 1, lower case
    typed = code.replace("0", "O").replace("1", "l").lower()
    assert codes.normalise(typed) == code
    devanagari = code.translate(str.maketrans("0123456789", "०१२३४५६७८९"))
    assert codes.normalise(devanagari) == code


@pytest.mark.parametrize("bad", ["", "   ", "UPP", "UPP-1234", "UPP-12345-123456", "hello there, friend!", "UPP-7K3M9-Q2X*F", None])
def test_malformed_codes_say_so(bad):
    with pytest.raises(codes.MalformedCode):
        codes.normalise(bad)


def test_typo_is_told_apart_from_malformed():
    code = _code_for("7K3M9Q2XC")
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(codes.CodeTypo):
        codes.normalise(typo)


def test_codes_found_in_tweet_text():
    code = _code_for("ABCDE1234")
    assert codes.find_in_text(f"@uppolice status {code.lower()} please") == [code]
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert codes.find_in_text(f"@uppolice status {typo}") == []
    assert codes.find_in_text("no code here") == []


@pytest.mark.slow
def test_no_collision_in_a_million_codes():
    rng = random.Random(20261123)
    seen = {codes.generate(randbelow=rng.randrange) for _ in range(1_000_000)}
    assert len(seen) == 1_000_000


@settings(max_examples=200)
@given(st.text())
def test_normalise_never_crashes_on_any_text(text):
    try:
        result = codes.normalise(text)
    except codes.CodeError:
        return
    assert codes.normalise(result) == result


@pytest.mark.parametrize("text", [
    # Each of these once read as a check-valid code: "UPP" of the handle, then "olicegharm…" with O/L/I
    # taken for 0 and 1.
    "@Uppolice ghar mere saal saal saal saal",
    "@Uppolice ghar mere 15 gayab karo karo",
    "@Uppolice mere police saal hai 13 13",
])
def test_the_state_handle_is_not_read_as_a_code(text):
    assert codes.find_in_text(text) == []
    code = codes.generate()
    assert codes.find_in_text(f"{text} कोड {code}।") == [code]


@pytest.mark.parametrize("wrap", ["{}।", "{} ।", "{}॥", '"{}"', "“{}”", "({})", "[{}]", "'{}',", "«{}»", "{}."])
def test_a_code_copied_with_hindi_punctuation_quotes_or_brackets(wrap):
    """Citizens copy the code out of a Hindi reply with its danda, or out of quotes and brackets."""
    code = codes.generate()
    assert codes.normalise(wrap.format(code)) == code
    assert codes.normalise(wrap.format(code.lower().replace("-", " "))) == code
    assert codes.find_in_text("@Uppolice स्थिति बताएं " + wrap.format(code) + " धन्यवाद") == [code]


@pytest.mark.django_db
@pytest.mark.parametrize("wrap", ["{}।", "“{}”", "({})"])
def test_the_tracking_page_takes_a_code_with_its_punctuation(client, make_complaint, wrap):
    complaint = make_complaint()
    response = client.get("/track/", {"code": wrap.format(complaint.tracking_code)})
    assert response.status_code == 302 and response["Location"].endswith(f"/track/{complaint.tracking_code}/")
