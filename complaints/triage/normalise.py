"""Text as the region writes it, folded so that one lexicon entry matches every way of writing a word.

Two forms of each word:

- `fold(text)`: Unicode NFC, nukta dropped (ज़ = ज, in either encoding), chandrabindu read as anusvara,
  ZWJ/ZWNJ and other invisible marks removed, Devanagari and other Indic digits as ASCII, lower case.
- `skeleton(word)`: a Latin sound-skeleton shared by Devanagari and Hinglish in Latin script, so that
  "पीट रहे", "peet rahe" and "pit rhe" are the same two keys. Aspiration is dropped (ख = kh = k),
  retroflex and dental merge (ट = त = t, ड = ड़ = द = d), श = ष = स = sh = s, व = w = v, ज़ = z = j,
  ई = ee = i, ऊ = oo = u, में = mein; repeated letters collapse (कार्रवाई = कारवाई); the vowel a (the
  inherent vowel, which Hindi drops unpredictably and Hinglish spells at will) is dropped inside a word
  but kept at its start and its end, where both scripts write it (आगरा = agra, but अगर = agar), so
  ऐ = ai = i (है = hai, कार्रवाई = karwai) and औ = au = u; ए/ई after य are the same as without it
  (गए = गये = gaye, गोलियां = goliyan = golian). A few common
  misspellings that no sound rule folds (कार्यवाही/कार्रवाई, karyavahi/karwai) are mapped to one key.

Inflections are matched by prefix in the lexicon (a term ending in `*`), on skeleton keys: गोली* finds
गोलियां, goliyan and goliyaan alike.

The skeleton is a matching key, not a transliteration: it is never shown to anyone. It is written here
rather than taken from a transliteration library because a library transliterates (keeps the schwa,
keeps aspiration) where matching needs the opposite, and because it runs for every word of every
mention: each distinct word is folded once and cached."""

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

NUKTA = "\u093c"
CHANDRABINDU, ANUSVARA = "\u0901", "\u0902"
VIRAMA = "\u094d"
# Zero-width and direction marks people paste into words; soft hyphen.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e"))

# Letters, digits and the marks that belong inside a word (Devanagari vowel signs, virama, nukta; other
# Indic scripts' digits). Python's \w misses Devanagari vowel signs, so the class is spelled out.
_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f\u0900-\u0963\u0966-\u097f\u09e6-\u09ef\u0a66-\u0a6f\u0ae6-\u0aef"
                   r"\u200c\u200d\u00ad]+")

_CONSONANTS = {
    "क": "k", "ख": "k", "ग": "g", "घ": "g", "ङ": "n", "च": "c", "छ": "c", "ज": "j", "झ": "j", "ञ": "n",
    "ट": "t", "ठ": "t", "ड": "d", "ढ": "d", "ण": "n", "त": "t", "थ": "t", "द": "d", "ध": "d", "न": "n",
    "प": "p", "फ": "f", "ब": "b", "भ": "b", "म": "m", "य": "y", "र": "r", "ल": "l", "व": "v", "श": "s",
    "ष": "s", "स": "s", "ह": "h", "ळ": "l", "ऩ": "n", "ऱ": "r", "ऴ": "l",
}
_VOWELS = {
    # independent vowels and vowel signs; "a" stands for the vowel the skeleton drops inside a word
    "अ": "a", "आ": "a", "इ": "i", "ई": "i", "उ": "u", "ऊ": "u", "ए": "e", "ऐ": "ai", "ओ": "o", "औ": "au",
    "ऋ": "ri", "ऑ": "o", "ऍ": "e", "ा": "a", "ि": "i", "ी": "i", "ु": "u", "ू": "u", "ृ": "ri", "े": "e",
    "ै": "ai", "ो": "o", "ौ": "au", "ॉ": "o", "ॅ": "e", "ं": "n", "ः": "",
}
_NASALS = frozenset("ङञणनम")
# Consonant clusters read otherwise than their letters.
_CLUSTERS = (("क्ष", "ks"), ("ज्ञ", "gy"), ("त्र", "tr"), ("श्र", "sr"))

# Latin digraphs first (longest first), then single letters.
# "cch" is how many write च्च/च्छ (bacche, acchha): the same key as "chh".
_LATIN_DIGRAPHS = (("cchh", "C"), ("cch", "C"), ("chh", "C"), ("ch", "C"), ("sh", "s"), ("kh", "k"), ("gh", "g"),
                   ("th", "t"), ("dh", "d"), ("bh", "b"), ("ph", "f"), ("jh", "j"), ("ck", "k"), ("ee", "i"),
                   ("oo", "u"), ("ei", "e"))
_LATIN_LETTERS = str.maketrans({"c": "k", "w": "v", "z": "j", "q": "k", "x": "ks", "C": "c"})

# Spellings no sound rule folds, by skeleton: the force's word for action in its three spellings.
SPELLINGS = {"kryvhi": "krvi", "kryvi": "krvi", "krvhi": "krvi", "krvyi": "krvi", "kryvi": "krvi"}

# Digits of the Indic scripts (Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada,
# Malayalam) as ASCII.
_DIGITS = {zero + i: ord("0") + i for zero in range(0x0966, 0x0d67, 0x80) for i in range(10)}
_INDIC_DIGIT = re.compile("[" + "".join(f"{chr(z)}-{chr(z + 9)}" for z in range(0x0966, 0x0d67, 0x80)) + "]")
_FOLD = {**INVISIBLE, **_DIGITS, ord(NUKTA): None, ord(CHANDRABINDU): ord(ANUSVARA)}
# Accents on Latin letters (NFD leaves them as combining marks).
_LATIN_MARKS = re.compile(r"[\u0300-\u036f]")

_DEVANAGARI = re.compile(r"[\u0900-\u097f]")


def fold(text: str) -> str:
    """NFC, no invisible marks, no nukta, chandrabindu as anusvara, ASCII digits, lower case."""
    text = unicodedata.normalize("NFD", text or "").translate(_FOLD)
    if _LATIN_MARKS.search(text):
        text = _LATIN_MARKS.sub("", text)
    return unicodedata.normalize("NFC", text).casefold()


def ascii_digits(text: str) -> str:
    """Devanagari and other Indic digits as ASCII, nothing else changed."""
    text = text or ""
    return text.translate(_DIGITS) if _INDIC_DIGIT.search(text) else text


@lru_cache(maxsize=200_000)
def skeleton(word: str) -> str:
    """The matching key of one word (see the module's docstring)."""
    word = fold(word)
    if not word:
        return ""
    if _DEVANAGARI.search(word):
        sk = _devanagari_skeleton(word)
    else:
        sk = _latin_skeleton(word)
    # ये/ए, यी/ई: the glide is written or not at will (gaye/गए, gayi/गई, liye/लिए).
    sk = re.sub(r"(?<=.)y(?=[ei])|(?<=i)y(?=[aou])", "", sk)
    sk = re.sub(r"(.)\1+", r"\1", sk)
    if len(sk) > 2:
        sk = sk[0] + sk[1:-1].replace("a", "") + sk[-1]
    sk = re.sub(r"m(?=[bp])", "n", sk)
    return SPELLINGS.get(sk, sk)


def _devanagari_skeleton(word):
    """Letters as sounds, with the inherent vowel written out where Hindi says it (not after a word's
    last consonant), so that the Devanagari and the Latin spellings go through the same folding."""
    # A word ending in a conjunct says its last vowel (पत्र = patra, क्षेत्र = kshetra), unless the conjunct
    # opens with a nasal, which is the anusvara spelt out: बन्द = बंद (band, "closed", not Banda), पसन्द = पसंद.
    final_a = len(word) > 2 and word[-1] in _CONSONANTS and word[-2] == VIRAMA and word[-3] not in _NASALS
    for cluster, sound in _CLUSTERS:
        word = word.replace(cluster, sound + "\u094d" if cluster != "त्र" else sound)
    out = []
    for i, ch in enumerate(word):
        if ch in _CONSONANTS:
            out.append(_CONSONANTS[ch])
            nxt = word[i + 1] if i + 1 < len(word) else ""
            if nxt and nxt != VIRAMA and nxt not in _VOWELS and (nxt in _CONSONANTS or nxt.isascii() is False):
                out.append("a")
        elif ch in _VOWELS:
            out.append(_VOWELS[ch])
        elif ch == VIRAMA:
            continue
        elif ch.isascii():
            out.append(ch)
    return "".join(out) + ("a" if final_a else "")


def _latin_skeleton(word):
    for digraph, sound in _LATIN_DIGRAPHS:
        word = word.replace(digraph, sound)
    word = word.translate(_LATIN_LETTERS)
    return "".join(ch for ch in word if ch.isalnum())


class Token(NamedTuple):
    key: str        # the skeleton
    start: int      # offsets in the original text
    end: int
    devanagari: bool
    word: str = ""  # the word folded but not reduced to sounds, for terms the skeleton cannot tell apart


def spelling(word: str) -> str:
    """The word as written, folded (`fold`: no nukta, no invisible marks, lower case): the key of a term
    that must match by spelling (English "she" is not Hindi से, थाने is not ताने)."""
    return fold(word)


@lru_cache(maxsize=200_000)
def _word(word):
    """A word's two keys at once, cached: (skeleton, spelling)."""
    return skeleton(word), fold(word)


_LINK = re.compile(r"https?://\S+")
# An apostrophe inside a Latin word is part of it: "peet'ta" is one word (peetta), not "peet" and "ta" (था).
_WORD_NOT_HANDLE = re.compile(r"(?<![@\w])" + _WORD.pattern + r"(?:['’][A-Za-z]+)*")


def tokens(text: str) -> tuple:
    """The words of a text as skeleton keys with their places in the original text. @mentions and links
    are not words of the text (handles are read separately, as handles)."""
    text = text or ""
    links = [m.span() for m in _LINK.finditer(text)] if "http" in text else ()
    out = []
    for match in _WORD_NOT_HANDLE.finditer(text):
        start = match.start()
        if links and any(a <= start < b for a, b in links):
            continue
        word = match.group()
        key, spelled = _word(word)
        if key:
            out.append(Token(key, start, match.end(), word[0] >= "\u0900", spelled))
    return tuple(out)


def haystack(toks, field="key") -> tuple:
    """The tokens' keys (or spellings) as one string " k1 k2 … " for the automata, and where each token's
    leading space is in it (to map a match back to tokens)."""
    starts, pos, keys = [], 0, [getattr(tok, field) for tok in toks]
    for key in keys:
        starts.append(pos)
        pos += len(key) + 1
    return " " + " ".join(keys) + " ", starts


@lru_cache(maxsize=65536)
def term_keys(term: str) -> tuple:
    """The skeleton keys of a lexicon term or a place name (its words in order)."""
    return tuple(t.key for t in tokens(term))
