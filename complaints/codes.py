"""Tracking codes: `UPP-XXXXX-XXXXX`, nine random Crockford base-32 symbols (45 bits, so codes cannot
be enumerated) and one check symbol.

The check symbol is the Damm algorithm over GF(32): with x∘y = αx ⊕ y (α a primitive element) the
quasigroup is totally anti-symmetric, so every single-symbol error and every adjacent transposition,
the check symbol included, is detected. The check stays inside the alphabet, so a code never carries
Crockford's awkward `*~$=` check characters.

Lookup is forgiving in the ways people mistype or read out a code: any case, spaces, missing or extra
dashes, O for 0, I/L for 1, Devanagari (or any Unicode) digits, with or without the UPP prefix.
"""

import secrets
import unicodedata
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "UPP"
RANDOM_SYMBOLS = 9
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_CONFUSABLE = {"O": "0", "I": "1", "L": "1"}
_GF32_POLY = 0b100101  # x^5 + x^2 + 1, primitive


def _times_alpha(x: int) -> int:
    x <<= 1
    return x ^ _GF32_POLY if x & 0b100000 else x


def _damm(values) -> int:
    interim = 0
    for v in values:
        interim = _times_alpha(interim) ^ v
    return interim


def check_symbol(body: str) -> str:
    # The check c makes the whole chain end at 0: α·interim ⊕ c = 0, so c = α·interim.
    return ALPHABET[_times_alpha(_damm(_VALUE[ch] for ch in body))]


def is_valid_body(symbols: str) -> bool:
    return _damm(_VALUE[ch] for ch in symbols) == 0


def format_code(symbols: str) -> str:
    return f"{PREFIX}-{symbols[:5]}-{symbols[5:]}"


def generate(randbelow=secrets.randbelow) -> str:
    body = "".join(ALPHABET[randbelow(32)] for _ in range(RANDOM_SYMBOLS))
    return format_code(body + check_symbol(body))


class CodeError(ValueError):
    """The text cannot be a tracking code."""


class MalformedCode(CodeError):
    pass


class CodeTypo(CodeError):
    """Shaped like a code, but the check symbol fails: a symbol was mistyped or two were swapped."""


@dataclass(frozen=True)
class ParsedCode:
    code: str


def _ascii_symbols(raw: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFKC", raw):
        if ch.isspace() or ch in "-‐‑‒–—_./:#":
            continue
        if ch.isdigit() and not ch.isascii():
            ch = str(unicodedata.digit(ch))
        out.append(ch.upper())
    return "".join(out)


_WRAPPING = frozenset("।॥.,!?:'\"`")


def _wraps(ch):
    """Quotes, brackets and sentence marks a code is copied with; not ';' or '-', which make other things."""
    return ch.isspace() or ch in _WRAPPING or unicodedata.category(ch) in ("Ps", "Pe", "Pi", "Pf")


def _trimmed(raw: str) -> str:
    """Without the punctuation, quotes and brackets a code is copied with: "UPP-7K3M9-Q2XCF।", «…», (…)."""
    start, end = 0, len(raw)
    while start < end and _wraps(raw[start]):
        start += 1
    while end > start and _wraps(raw[end - 1]):
        end -= 1
    return raw[start:end]


def normalise(raw: str) -> str:
    """Return the canonical `UPP-XXXXX-XXXXX` for what a person typed, or raise MalformedCode/CodeTypo."""
    if raw is None:
        raise MalformedCode("No code given.")
    symbols = _ascii_symbols(_trimmed(str(raw)))
    if symbols.startswith(PREFIX) and len(symbols) == len(PREFIX) + RANDOM_SYMBOLS + 1:
        symbols = symbols[len(PREFIX):]
    symbols = "".join(_CONFUSABLE.get(ch, ch) for ch in symbols)
    if len(symbols) != RANDOM_SYMBOLS + 1:
        raise MalformedCode(
            f"A tracking code has {RANDOM_SYMBOLS + 1} letters and digits after UPP (like UPP-7K3M9-Q2XCF)."
        )
    bad = sorted({ch for ch in symbols if ch not in _VALUE})
    if bad:
        raise MalformedCode(f"A tracking code cannot contain {', '.join(repr(c) for c in bad)}.")
    if not is_valid_body(symbols):
        raise CodeTypo("This code has a typo: please check each letter and digit.")
    return format_code(symbols)


def find_in_text(text: str):
    """Tracking codes quoted in a tweet ("status UPP-7K3M9-Q2XCF"), canonical and check-valid, in order."""
    import re

    found = []
    # Not inside a word or a handle: "@Uppolice 13 saal" would otherwise read as a code now and then
    # (O, L and I stand for 0 and 1), about once in 32 for the check symbol.
    for match in re.finditer(r"(?<![\w@])U\s*P\s*P[\s\-‐‑–—_]*([0-9A-Za-z][\s\-‐‑–—]*){10}", text or "",
                             re.IGNORECASE):
        try:
            code = normalise(match.group(0))
        except CodeError:
            continue
        if code not in found:
            found.append(code)
    return found
