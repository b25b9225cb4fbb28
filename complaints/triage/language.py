"""The language @Uppolice answers in: Hindi for Devanagari, for Devanagari mixed with English, and for
Hinglish in Latin script; English only for English. X's `lang` tag is `in`, `und`, `qme`, `tl` or even `en`
for much Hinglish, so it is only a tie-breaker.

Hinglish and English are told apart by their everyday words (lexicon classes `hinglish` and `english`:
hai, nahi, mera, kripya … / the, is, my, please …), counted over the whole text."""

from .terms import TermClass as C

HINDI_TAGS = {"hi", "in", "und", "qme", "tl", "mr", "ne", "zxx", "qam", "qht", "qst"}


def reply_language(toks, lexicon, lang_tag=None):
    """("hi" | "en", confidence, why) for a text's tokens (mentions and links are not among them)."""
    devanagari = sum(1 for tok in toks if tok.devanagari)
    if devanagari:
        share = devanagari / len(toks)
        return "hi", round(0.8 + 0.19 * share, 2), "devanagari"
    if not toks:
        return "hi", 0.6, "no_words"
    hinglish = lexicon.count(toks, C.HINGLISH)
    english = lexicon.count(toks, C.ENGLISH)
    lean = 0.5 if (lang_tag or "").lower() in HINDI_TAGS else 0.0
    if hinglish + lean > english:
        margin = (hinglish + lean - english) / (hinglish + english + lean)
        return "hi", round(0.6 + 0.35 * margin, 2), "hinglish_words"
    if english == 0:
        return "en", 0.55, "latin_no_markers"
    margin = (english - hinglish - lean) / (hinglish + english + lean)
    return "en", round(0.6 + 0.35 * max(margin, 0.0), 2), "english_words"
