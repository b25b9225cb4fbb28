"""Cleaning of text that arrives from X or from a form, before it is stored.

PostgreSQL refuses NUL in text columns, so NUL (and the other C0 controls except tab and newlines) are
removed and the removal is reported so that the caller can record it. Everything else is kept exactly as
it came: emoji, right-to-left marks, ZWJ/ZWNJ (they change how Devanagari conjuncts render), nukta in
either encoding and 4-byte characters. Matching code normalises its own copy; the stored text stays the
citizen's words.
"""

_DROP = {c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)} | {0x7F}


def clean_text(text: str | None) -> tuple[str, list[str]]:
    """Return (text to store, human-readable list of the changes made)."""
    if not text:
        return "", []
    changes = []
    dropped = sum(1 for ch in text if ord(ch) in _DROP)
    if dropped:
        text = "".join(ch for ch in text if ord(ch) not in _DROP)
        changes.append(f"removed {dropped} control character(s) such as NUL, which cannot be stored")
    surrogates = sum(1 for ch in text if 0xD800 <= ord(ch) <= 0xDFFF)
    if surrogates:
        # A lone surrogate cannot be encoded as UTF-8, so no database would take it.
        text = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)
        changes.append(f"replaced {surrogates} unpaired surrogate(s) with U+FFFD")
    return text, changes
