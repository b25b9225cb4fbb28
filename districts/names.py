"""Names of units and police stations as typed or pasted (a CSV from a district, a form on a phone), made
one form before they are stored or compared.

`clean` is what is stored: Unicode NFC (a Devanagari letter with a nukta typed as two code points or one is
the same word), no zero-width or direction marks, no byte-order mark, single spaces. `key` is what is
compared: `clean`, case-folded, the nukta dropped and chandrabindu read as anusvara, the way the triage's
`fold` reads them (complaints.triage.normalise, which this layer may not import), so "ग़ाज़ियाबाद" and
"गाजियाबाद" are one name."""

import re
import unicodedata

NUKTA = "\u093c"
CHANDRABINDU, ANUSVARA = "\u0901", "\u0902"
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e"))
_SPACES = re.compile(r"\s+")


def clean(text):
    text = unicodedata.normalize("NFC", str(text or "")).translate(INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def key(text):
    text = unicodedata.normalize("NFD", clean(text))
    text = text.replace(NUKTA, "").replace(CHANDRABINDU, ANUSVARA)
    return unicodedata.normalize("NFC", text).casefold()


def split_alternates(value):
    """"Hazrat Ganj; हज़रतगंज" → the names, cleaned, without repeats (by key), in their order."""
    return unique(re.split(r"[;|]", value or ""))


def unique(names, *, leave_out=()):
    seen, out = {key(n) for n in leave_out if n}, []
    for name in names:
        name = clean(name)
        if name and key(name) not in seen:
            seen.add(key(name))
            out.append(name)
    return out
