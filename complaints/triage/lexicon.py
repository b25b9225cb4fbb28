"""The triage lexicon: the reviewed terms in fixtures/triage/lexicon.csv, plus the terms HQ adds or
switches off in the admin (complaints.LexiconTerm), compiled into one Aho-Corasick automaton over the
skeleton keys of `normalise`, so that matching a mention is one pass whatever the number of terms.

A term is words; a `*` at its end matches any ending of the last word (गोली* → गोलियां, शुभकामना* →
शुभकामनाएं: a stem's last "a" is dropped inside a longer word, so the stem is matched without it too). A
term written with `=` in front matches by spelling, not by sound: for the few words the sound-skeleton
cannot tell from another (`=she`, not से; `=ताने`, not थाने; `=bhai`, not bhi). Its `requires` names cue
classes that must also occur in the text: `cue_minor|cue_female` (either), `cue_inlaws&cue_self` (both).

Cancelling: a term of a cancelling class (`terms.CANCELS`) removes the neighbouring terms of the class it
cancels. A minor missing or taken away (an urgent term that requires `cue_minor`) stays urgent whatever a
past-time word says ("कल रात", "two days ago": not yet found is still danger now); only a canceller that
itself requires `cue_minor` (the child is found, is back home) cancels it.

The compiled lexicon is cached per process and rebuilt when a LexiconTerm row is saved or deleted here, and
within TRIAGE_RECHECK_SECONDS when another process changed one."""

import csv
import threading
import time
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import ahocorasick
from django.conf import settings
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .normalise import haystack, term_keys, tokens
from .terms import CANCEL_WINDOW, CANCELS, TermClass

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "triage" / "lexicon.csv"
FIELDS = ("term", "language", "class", "requires", "source")
RECHECK_SECONDS = 10


@dataclass(frozen=True)
class Term:
    term: str
    cls: str
    requires: tuple = ()       # tuple of alternatives-tuples: all groups needed, any class in a group
    language: str = ""
    source: str = ""
    origin: str = "fixture"    # or "admin"

    @property
    def prefix(self):
        return self.term.rstrip().endswith("*")

    @property
    def spelled(self):
        """Matched by spelling (`=she`), not by the sound-skeleton."""
        return self.term.lstrip().startswith("=")

    @property
    def keys(self):
        words = self.term.replace("*", " ").replace("=", " ", 1)
        if self.spelled:
            return tuple(tok.word for tok in tokens(words))
        return term_keys(words)


class Hit(NamedTuple):
    term: Term
    first: int      # token indexes, inclusive
    last: int
    cls: str


# Classes whose single words are counted, not located: the language markers (a word of nearly every text;
# a dictionary lookup per word is cheaper than a hit object per word).
COUNTED = frozenset({TermClass.HINGLISH, TermClass.ENGLISH})

# Emphatic particles (भी, ही) that may stand between a verb and its auxiliary without changing what is said:
# "maar bhi rahe hain" is "maar rahe hain". Terms are also matched with them left out. By spelling: ही and
# है share a sound-key, and है is not a particle.
PARTICLES = frozenset({"भी", "bhi", "bhee", "ही", "hi"})


def parse_requires(text):
    groups = []
    for group in (text or "").split("&"):
        alternatives = tuple(a.strip() for a in group.split("|") if a.strip())
        if alternatives:
            groups.append(alternatives)
    return tuple(groups)


def read_fixture(path=FIXTURE):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [Term(r["term"].strip(), r["class"].strip(), parse_requires(r.get("requires")), r["language"].strip(),
                 r["source"].strip()) for r in rows if r.get("term", "").strip()]


def _identity(term, cls):
    """Terms the desk cannot tell apart (the same skeleton keys, both prefixes or neither) are one word:
    switching off "dhanyawad" switches off "dhanyavad" too. A term matched by spelling is its spelling."""
    spelled = term.lstrip().startswith("=")
    words = term.replace("*", " ").replace("=", " ", 1)
    keys = tuple(tok.word for tok in tokens(words)) if spelled else term_keys(words)
    return keys, term.rstrip().endswith("*"), spelled, cls


def merged_terms(fixture_terms, db_rows):
    """The fixture's terms, with the admin's rows applied: an active row adds a term (or replaces the
    fixture's entries for the same word and class), an inactive one switches them off."""
    terms = {}
    for term in fixture_terms:
        terms.setdefault(_identity(term.term, term.cls), []).append(term)
    for row in db_rows:
        key = _identity(row.term, row.term_class)
        if row.is_active:
            terms[key] = [Term(row.term.strip(), row.term_class, parse_requires(row.requires), row.language,
                               row.source, origin="admin")]
        else:
            terms.pop(key, None)
    return [term for group in terms.values() for term in group]


class Lexicon:
    """Terms compiled for matching. `scan(tokens)` returns every hit, its requirements met, cancelled
    terms removed."""

    def __init__(self, terms):
        self.terms = terms
        self.counted, self.counted_spelled = {}, {}
        by_sound, by_spelling = {}, {}
        for term in terms:
            keys = term.keys
            if not keys:
                continue
            if term.cls in COUNTED and len(keys) == 1 and not term.prefix:
                counted = self.counted_spelled if term.spelled else self.counted
                counted.setdefault(keys[0], set()).add(term.cls)
                continue
            patterns = by_spelling if term.spelled else by_sound
            for variant in _variants(keys, term.prefix and not term.spelled):
                pattern = " " + " ".join(variant) + ("" if term.prefix else " ")
                patterns.setdefault(pattern, []).append(term)
        self.automaton = _automaton(by_sound)
        self.spelling_automaton = _automaton(by_spelling)
        self.empty = self.automaton is None and self.spelling_automaton is None
        self.by_class = {}
        for term in terms:
            self.by_class.setdefault(term.cls, []).append(term)

    def raw_hits(self, toks, joined=None):
        if self.empty or not toks:
            return []
        hits = []
        if self.automaton is not None:
            _find(self.automaton, joined or haystack(toks), hits)
            kept = [i for i, tok in enumerate(toks) if tok.word not in PARTICLES]
            if 0 < len(kept) < len(toks):
                # The same words with the particles left out, mapped back to the text's tokens; a term that
                # matched either way is one hit.
                seen = {(id(h.term), h.first, h.last) for h in hits}
                more = []
                _find(self.automaton, haystack([toks[i] for i in kept]), more, kept)
                hits.extend(h for h in more if (id(h.term), h.first, h.last) not in seen)
        if self.spelling_automaton is not None:
            _find(self.spelling_automaton, haystack(toks, "word"), hits)
        return hits

    def count(self, toks, cls):
        """How many words of the text are counted words of `cls`."""
        counted, spelled = self.counted, self.counted_spelled
        return sum(1 for tok in toks if cls in counted.get(tok.key, ()) or cls in spelled.get(tok.word, ()))

    def scan(self, toks, extra_classes=(), joined=None):
        hits = self.raw_hits(toks, joined)
        present = {h.cls for h in hits}
        present.update(extra_classes)
        hits = [h for h in hits if not h.term.requires or _met(h.term.requires, present)]
        for canceller, target in CANCELS.items():
            if canceller in present and target in present:
                blockers = [h for h in hits if h.cls == canceller]
                hits = [h for h in hits if h.cls != target or not any(_cancels(b, h) for b in blockers)]
        return hits


def _variants(keys, prefix):
    """The key sequences a term is matched by: a stem ending in "a" (शुभकामना*, fansi laga*) also without
    that "a", which the skeleton drops inside a longer word (शुभकामनाएं, lagakar)."""
    yield keys
    last = keys[-1]
    if prefix and len(last) > 2 and last.endswith("a") and (len(keys) > 1 or len(last) > 3):
        yield keys[:-1] + (last[:-1],)


def _automaton(patterns):
    if not patterns:
        return None
    automaton = ahocorasick.Automaton()
    for pattern, found in patterns.items():
        automaton.add_word(pattern, (len(pattern), tuple(dict.fromkeys(found))))
    automaton.make_automaton()
    return automaton


def _find(automaton, joined, hits, index=None):
    text, starts = joined
    for end, (length, found) in automaton.iter(text):
        first = bisect_right(starts, end - length + 1) - 1
        last = max(first, bisect_right(starts, end - 1) - 1)
        if index is not None:
            first, last = index[first], index[last]
        for term in found:
            hits.append(Hit(term, first, last, term.cls))


def _met(requires, present):
    return all(any(c in present for c in group) for group in requires)


def _cancels(blocker, hit):
    if hit.cls == TermClass.URGENT and _speaks_of_minor(hit.term) and not _speaks_of_minor(blocker.term):
        return False
    return _near(blocker, hit)


def _speaks_of_minor(term):
    return any(TermClass.CUE_MINOR in group for group in term.requires)


def _near(blocker, hit):
    return blocker.first <= hit.last + CANCEL_WINDOW and hit.first <= blocker.last + CANCEL_WINDOW


# The per-process cache.
_lock = threading.Lock()
_state = {"lexicon": None, "stamp": None, "checked": 0.0}


def _db_stamp():
    from complaints.models import LexiconTerm

    agg = LexiconTerm.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return agg["n"], agg["last"]


def _build():
    from complaints.models import LexiconTerm

    rows = list(LexiconTerm.objects.all())
    return Lexicon(merged_terms(_fixture_terms(), rows))


@lru_cache(maxsize=1)
def _fixture_terms():
    return tuple(read_fixture())


def current():
    """The compiled lexicon, rebuilt when the admin's terms changed."""
    now = time.monotonic()
    recheck = getattr(settings, "TRIAGE_RECHECK_SECONDS", RECHECK_SECONDS)
    lexicon = _state["lexicon"]
    if lexicon is not None and now - _state["checked"] < recheck:
        return lexicon
    with _lock:
        stamp = _db_stamp()
        if _state["lexicon"] is None or stamp != _state["stamp"]:
            _state["lexicon"] = _build()
            _state["stamp"] = stamp
        _state["checked"] = now
        return _state["lexicon"]


def forget():
    _state["lexicon"] = None
    _state["checked"] = 0.0


@receiver(post_save, sender="complaints.LexiconTerm")
@receiver(post_delete, sender="complaints.LexiconTerm")
def _term_changed(**kwargs):
    forget()


KNOWN_CLASSES = frozenset(TermClass.values)
