"""Tweet length as X counts it (twitter-text v3 weights): NFC first; code points in the light ranges
(Latin, Devanagari and the rest of 0-4351, some punctuation) weigh 1, everything else 2; an emoji
sequence (with modifiers, variation selectors, ZWJ joins, flags, keycaps) weighs 2 as a whole; every URL
weighs 23, whatever its length. The limit is 280."""

import re
import unicodedata

MAX_WEIGHT = 280
URL_WEIGHT = 23
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_URL = re.compile(r"(?:https?://|www\.)[^\s]+", re.IGNORECASE)
_ZWJ, _VS16, _KEYCAP = 0x200D, 0xFE0F, 0x20E3


def _light(cp):
    return any(lo <= cp <= hi for lo, hi in _LIGHT)


def _is_emoji_start(cp):
    return 0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF or cp in (0x00A9, 0x00AE)


def _joins(cp):
    return cp in (_VS16, _KEYCAP) or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F


# Text made only of light code points (no ©/®, which may start an emoji) weighs its length: most replies,
# including the English ones with a dash or curly quotes (the light punctuation of U+2000-U+2037).
_NOT_PLAIN = re.compile("[^\u0000-\u00a8\u00aa-\u00ad\u00af-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")


def _weigh(text):
    if not _NOT_PLAIN.search(text):
        return len(text)
    cps = [ord(ch) for ch in text]
    weight, i = 0, 0
    while i < len(cps):
        cp = cps[i]
        if _is_emoji_start(cp) or (cp < 128 and chr(cp) in "0123456789#*" and i + 2 < len(cps)
                                   and cps[i + 1] == _VS16 and cps[i + 2] == _KEYCAP):
            i += 1
            if 0x1F1E6 <= cp <= 0x1F1FF and i < len(cps) and 0x1F1E6 <= cps[i] <= 0x1F1FF:
                i += 1  # a flag: two regional indicators
            while i < len(cps):
                if _joins(cps[i]):
                    i += 1
                elif cps[i] == _ZWJ and i + 1 < len(cps) and _is_emoji_start(cps[i + 1]):
                    i += 2
                else:
                    break
            weight += 2
            continue
        weight += 1 if _light(cp) else 2
        i += 1
    return weight


def weighted_length(text: str) -> int:
    text = unicodedata.normalize("NFC", text or "")
    total, pos = 0, 0
    for match in _URL.finditer(text):
        total += _weigh(text[pos:match.start()]) + URL_WEIGHT
        pos = match.end()
    return total + _weigh(text[pos:])


def fits(text: str) -> bool:
    return weighted_length(text) <= MAX_WEIGHT


def truncate_to_fit(text: str, budget: int) -> str:
    """Cut `text` (a variable part such as a report) so that it weighs at most `budget`, marking the cut."""
    if weighted_length(text) <= budget:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if weighted_length(text[:mid] + "…") <= budget:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"
