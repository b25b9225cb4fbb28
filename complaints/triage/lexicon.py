"""The triage lexicon: the reviewed terms in fixtures/triage/lexicon.csv, plus the terms HQ adds or
switches off in the admin (complaints.LexiconTerm), compiled into one Aho-Corasick automaton over the
skeleton keys of `normalise`, so that matching a mention is one pass whatever the number of terms.

A term is words; a `*` at its end matches any ending of the last word (गोली* → गोलियां). Its `requires`
names cue classes that must also occur in the text: `cue_minor|cue_female` (either), `cue_inlaws&cue_self`
(both). The compiled lexicon is cached per process and rebuilt when a LexiconTerm row is saved or
deleted here, and within TRIAGE_RECHECK_SECONDS when another process changed one."""

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

from .normalise import haystack, term_keys
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
    def keys(self):
        return term_keys(self.term.replace("*", " "))


class Hit(NamedTuple):
    term: Term
    first: int      # token indexes, inclusive
    last: int
    cls: str


# Classes whose single words are counted, not located: the language markers (a word of nearly every text;
# a dictionary lookup per word is cheaper than a hit object per word).
COUNTED = frozenset({TermClass.HINGLISH, TermClass.ENGLISH})


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
    switching off "dhanyawad" switches off "dhanyavad" too."""
    return term_keys(term.replace("*", " ")), term.rstrip().endswith("*"), cls


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
        self.automaton = ahocorasick.Automaton()
        self.counted = {}
        patterns = {}
        for term in terms:
            keys = term.keys
            if not keys:
                continue
            if term.cls in COUNTED and len(keys) == 1 and not term.prefix:
                self.counted.setdefault(keys[0], set()).add(term.cls)
                continue
            pattern = " " + " ".join(keys) + ("" if term.prefix else " ")
            patterns.setdefault(pattern, []).append(term)
        for pattern, found in patterns.items():
            self.automaton.add_word(pattern, (len(pattern), tuple(found)))
        if patterns:
            self.automaton.make_automaton()
        self.empty = not patterns
        self.by_class = {}
        for term in terms:
            self.by_class.setdefault(term.cls, []).append(term)

    def raw_hits(self, toks, joined=None):
        if self.empty or not toks:
            return []
        text, starts = joined or haystack(toks)
        hits = []
        for end, (length, found) in self.automaton.iter(text):
            first = bisect_right(starts, end - length + 1) - 1
            last = max(first, bisect_right(starts, end - 1) - 1)
            for term in found:
                hits.append(Hit(term, first, last, term.cls))
        return hits

    def count(self, toks, cls):
        """How many words of the text are counted words of `cls`."""
        counted = self.counted
        return sum(1 for tok in toks if cls in counted.get(tok.key, ()))

    def scan(self, toks, extra_classes=(), joined=None):
        hits = self.raw_hits(toks, joined)
        present = {h.cls for h in hits}
        present.update(extra_classes)
        hits = [h for h in hits if not h.term.requires or _met(h.term.requires, present)]
        for canceller, target in CANCELS.items():
            if canceller in present and target in present:
                blockers = [h for h in hits if h.cls == canceller]
                hits = [h for h in hits if h.cls != target or not any(_near(b, h) for b in blockers)]
        return hits


def _met(requires, present):
    return all(any(c in present for c in group) for group in requires)


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
