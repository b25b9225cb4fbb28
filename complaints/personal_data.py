"""Personal data in a text that is about to be published: phone numbers, Aadhaar numbers, PAN, vehicle
registration numbers and e-mail addresses, written the ways people write them in Hindi and English.

One detector for every public channel: complaints.public (tracking page, its JSON, Open311) and the
outbox of tweets (twitter_ingest.outbox) both ask `kinds_in`. It only finds; what happens to a text that
holds personal data is decided by the callers (held for a person, or replaced by a neutral line).

How the text is read:
- NFKC, then every decimal digit of any script (Devanagari ९, Bengali, Gurmukhi, fullwidth …) becomes
  its ASCII digit, and invisible format characters (ZWJ/ZWNJ, bidi marks, soft hyphens) are dropped, so
  they cannot split a number.
- Tracking codes (UPP-XXXXX-XXXXX) and links to tweets are blanked first: they are public and full of
  digits.
- Phone numbers: Google's libphonenumber (the `phonenumbers` port) finds and validates them for region
  IN, after digits glued to letters are set apart ("Mob9876543210", "मोबाइल9876543210"). Toll-free
  and premium numbers (1800 …) belong to offices, not people, and are let through; a landline counts
  only when written with its trunk 0 or +91 (0522-2234567), as people write a telephone number: ten
  digits starting with 1–5 are more often a reference number or a run of small numbers than a phone.
- Aadhaar: twelve digits in fours (space, dot or dash) always count; twelve digits in one run count when
  they start 2–9 and their Verhoeff check digit is right (UIDAI issues only such numbers, so nine in ten
  other twelve-digit runs are let through) or when the word Aadhaar/आधार/UID stands before them, because
  a mistyped Aadhaar is still someone's Aadhaar.
- PAN (ABCPE1234F: the fourth letter is the holder type), vehicle numbers of every state and the BH
  series (UP32 AB 1234, UP-14-BD-5678, up16ce1234), and e-mail addresses also spelt out
  ("name at gmail dot com", "name[at]gmail[dot]com", "at the rate").
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from django.utils.translation import gettext_lazy as _

PHONE, AADHAAR, PAN, VEHICLE, EMAIL = "phone", "aadhaar", "pan", "vehicle", "email"

LABELS = {
    PHONE: _("a phone number"),
    AADHAAR: _("an Aadhaar number"),
    PAN: _("a PAN"),
    VEHICLE: _("a vehicle registration number"),
    EMAIL: _("an e-mail address"),
}
KINDS = tuple(LABELS)


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int  # offsets into normalise(text)
    end: int


# ---------------------------------------------------------------- reading the text

class _PerCharacter(dict):
    """str.translate's table for normalise, filled as characters are first met: each one is looked up in
    the Unicode database once per process instead of once per character of every text checked."""

    def __missing__(self, code):
        ch = chr(code)
        if unicodedata.category(ch) == "Cf":
            value = None
        else:
            digit = unicodedata.decimal(ch, None)
            value = str(digit) if digit is not None else ch
        self[code] = value
        return value


_PER_CHARACTER = _PerCharacter()


def normalise(text):
    """NFKC, every script's decimal digits as ASCII, invisible format characters removed."""
    return unicodedata.normalize("NFKC", text or "").translate(_PER_CHARACTER)


def _is_letter(ch):
    # Marks count as letters: a Devanagari vowel sign ends many words ("पे", "को").
    return unicodedata.category(ch)[0] in "LM"


def unglue(text):
    """A space between letters and digits that touch, so "Mob9876543210" reads as a number; also, for
    each character of the result, the offset of the character of `text` it stands for."""
    out, origin = [], []
    previous = ""
    for i, ch in enumerate(text):
        if previous and ((_is_letter(previous) and ch.isdigit()) or (previous.isdigit() and _is_letter(ch))):
            out.append(" ")
            origin.append(i)
        out.append(ch)
        origin.append(i)
        previous = ch
    return "".join(out), origin


TRACKING_CODE = re.compile(r"UPP[-\s]?[0-9A-Z]{5}[-\s]?[0-9A-Z]{5}(?![0-9A-Z])", re.IGNORECASE)
# The state's public helplines (Dial 112, 1090 women power line, 1930 cyber fraud, 1076 CM helpline, 181 women
# helpline, 108 ambulance), which every reply may name: nobody's personal number, and blanking them lets a reply
# without any other digit skip the slower detectors.
HELPLINE = re.compile(r"(?<![\d+])(?<!\d[\s-])(?:112|1090|1930|1076|181|108)(?![\s-]?\d)")
TWEET_LINK = re.compile(r"(?:https?://)?(?:www\.|mobile\.)?(?:x|twitter)\.com/\S*|(?:https?://)?t\.co/\S*",
                        re.IGNORECASE)


def _blank(pattern, text):
    return pattern.sub(lambda m: " " * len(m.group()), text)


# ---------------------------------------------------------------- phones

_SERVICE_TYPES = {phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.PREMIUM_RATE,
                  phonenumbers.PhoneNumberType.SHARED_COST}
_FIXED = phonenumbers.PhoneNumberType.FIXED_LINE


def _phones(text):
    for match in phonenumbers.PhoneNumberMatcher(text, "IN", leniency=phonenumbers.Leniency.VALID):
        kind = phonenumbers.number_type(match.number)
        if kind in _SERVICE_TYPES:
            continue
        raw = match.raw_string.lstrip("( ")
        if kind == _FIXED and not raw.startswith(("0", "+", "91")):
            continue
        yield match.start, match.end


# ---------------------------------------------------------------- Aadhaar (Verhoeff check digit)

_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 8, 5],
]


def verhoeff_valid(digits):
    """The Verhoeff check UIDAI puts in an Aadhaar's last digit (it catches every single wrong digit and
    every swap of neighbours)."""
    check = 0
    for i, digit in enumerate(reversed(digits)):
        check = _D[check][_P[i % 8][int(digit)]]
    return check == 0


AADHAAR_SHAPE = re.compile(r"(?<![\d+])(?<!\d[.,/-])(\d{4})([\s.-]?)(\d{4})\2(\d{4})(?!\d)(?![.,/-]\d)")
AADHAAR_WORD = re.compile(r"(?:aadhaa?r|adhaa?r|uidai|\buid\b|आधार|यूआईडी)[^\d]{0,25}$", re.IGNORECASE)


def _aadhaar(text):
    for match in AADHAAR_SHAPE.finditer(text):
        digits = "".join(match.group(1, 3, 4))
        issued = digits[0] not in "01" and verhoeff_valid(digits)
        # Written in fours it is read as an Aadhaar whatever its check digit: a mistyped Aadhaar, or a
        # bank account written the same way, is still someone's.
        grouped = bool(match.group(2))
        if issued or grouped or AADHAAR_WORD.search(text[max(0, match.start() - 40):match.start()]):
            yield match.start(), match.end()


# ---------------------------------------------------------------- PAN, vehicles, e-mail

PAN_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{3}[PCHFATBLJG][A-Z]\d{4}[A-Z](?![A-Za-z0-9])", re.IGNORECASE)

_STATES = ("AN|AP|AR|AS|BR|CG|CH|DD|DL|DN|GA|GJ|HP|HR|JH|JK|KA|KL|LA|LD|MH|ML|MN|MP|MZ|NL|OD|OR|PB|PY|RJ|SK|"
           "TN|TR|TS|UA|UK|UP|WB")
# Written in capitals, any separators: "UP32 AB 1234", "UP 32 AB 1234". In any case only when glued or
# joined by dashes ("up16ce1234", "up-14-bd-5678"): lower-case words with spaces are ordinary prose
# ("up 32 in 2026").
VEHICLE_CAPS = re.compile(
    rf"(?<![A-Za-z0-9])(?:{_STATES})[\s.-]?\d{{1,2}}[A-Z]?[\s.-]?[A-Z]{{1,3}}[\s.-]?\d{{4}}(?![A-Za-z0-9])")
VEHICLE_ANY = re.compile(
    rf"(?<![A-Za-z0-9])(?:{_STATES})-?\d{{1,2}}[A-Z]?-?[A-Z]{{1,3}}-?\d{{4}}(?![A-Za-z0-9])", re.IGNORECASE)
VEHICLE_BH = re.compile(r"(?<![A-Za-z0-9])\d{2}[\s-]?BH[\s-]?\d{4}[\s-]?[A-Z]{1,2}(?![A-Za-z0-9])", re.IGNORECASE)

_TLD = "com|in|org|net|co|gov|nic|edu|ac|info|biz|me|io|us|uk|live|online|xyz"
# "@", "[at]", "(at)", " at ", " at the rate ", "एट द रेट"; ".", "[dot]", "(dot)", " dot ", "डॉट". A bare dot
# must be followed by a lower-case domain ending, so "reached at station. In the evening" is prose.
_AT = (r"(?:\s*@\s*|\s*(?i:[\[(<{]\s*(?:at|@)\s*[\])>}])\s*|\s+(?i:at(?:\s+the\s+rate(?:\s+of)?)?)\s+"
       r"|\s*एट\s*(?:द\s*)?(?:रेट\s*)?)")
_DOT_SPELT = r"(?:\s*(?i:[\[(<{]\s*(?:dot|\.)\s*[\])>}])\s*|\s+(?i:dot)\s+|\s*डॉट\s*)"
# Each starts where a word starts (the look-behind), so a long run of letters is tried once, not once per
# letter.
EMAIL_PLAIN = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,24}(?![\w-])")
EMAIL_SPELT = re.compile(
    rf"(?<![\w.+-])[\w.+-]*\w{_AT}[\w-]+(?:(?:{_DOT_SPELT}|\.)[\w-]+)*?(?:{_DOT_SPELT}(?i:{_TLD})|\.(?:{_TLD}))(?![\w-])")
EMAIL_PROVIDER = re.compile(r"(?<![\w.+-])[\w.+-]*\w\s*@\s*(?:gmail|yahoo|rediffmail|hotmail|outlook|ymail)(?![\w-])",
                            re.IGNORECASE)


def _spans(pattern, text):
    return ((m.start(), m.end()) for m in pattern.finditer(text))


# ---------------------------------------------------------------- the detector

def find(text):
    """Every piece of personal data in `text`, as findings over normalise(text), in order."""
    text = normalise(text)
    if not text.strip():
        return []
    text = _blank(HELPLINE, _blank(TWEET_LINK, _blank(TRACKING_CODE, text)))
    return list(_find_short(text) if len(text) <= SHORT else _find_blanked(text))


# Replies differ only in their codes and links, which are blanked before the detectors run: the outbox
# checks one text per template and language, not one per complaint. Only short texts are remembered.
SHORT = 600


@lru_cache(maxsize=2048)
def _find_short(text):
    return _find_blanked(text)


def _find_blanked(text):
    findings = [Finding(EMAIL, start, end) for pattern in (EMAIL_PLAIN, EMAIL_SPELT, EMAIL_PROVIDER)
                for start, end in _spans(pattern, text)]
    if not any(map(str.isdigit, text)):  # most replies, once their code is blanked: nothing else to find
        return tuple(_merged(findings))
    for kind, spans in ((PAN, _spans(PAN_RE, text)),
                        (VEHICLE, (*_spans(VEHICLE_CAPS, text), *_spans(VEHICLE_ANY, text),
                                   *_spans(VEHICLE_BH, text))),
                        (AADHAAR, _aadhaar(text))):
        findings.extend(Finding(kind, start, end) for start, end in spans)
    # What is already found is blanked, so an Aadhaar or a vehicle number is not read again as a phone.
    rest = list(text)
    for f in findings:
        rest[f.start:f.end] = " " * (f.end - f.start)
    glued, origin = unglue("".join(rest))
    findings.extend(Finding(PHONE, origin[start], origin[end - 1] + 1) for start, end in _phones(glued))
    return tuple(_merged(findings))


def _merged(findings):
    """Overlapping findings of one kind (an address matched by two patterns) as one."""
    out = []
    for f in sorted(findings, key=lambda f: (f.kind, f.start, -f.end)):
        if out and out[-1].kind == f.kind and f.start < out[-1].end:
            out[-1] = Finding(f.kind, out[-1].start, max(out[-1].end, f.end))
        else:
            out.append(f)
    return sorted(out, key=lambda f: (f.start, f.end))


def kinds_in(text):
    """The kinds of personal data in `text` (in the order of KINDS), empty when there is none."""
    found = {f.kind for f in find(text)}
    return [kind for kind in KINDS if kind in found]


def describe(kinds):
    """"a phone number, an e-mail address" in the active language."""
    return ", ".join(str(LABELS[k]) for k in kinds if k in LABELS)
