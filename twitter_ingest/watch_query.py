"""A watch's words compiled into X's recent-search query syntax, within X's query length.

One query reads: (place OR place …) (term OR term …) [lang filter] -is:retweet [-exclusions] [-from:…].
Spaces are AND and bind tighter than OR, so both lists are parenthesised; a term of several words is a
"quoted phrase". X matches whole words and has no wildcard, so lexicon stems (`aag lag*`) are left out.
X forbids negating a group, so each exclusion is negated on its own. Self-serve access allows 512
characters for recent search (docs: x-api/posts/search/integrate/build-a-query); when the lists do not
fit, the places and the terms are split into groups and every place group is paired with every term
group, choosing the split that needs the fewest queries (each query is a separate request; the posts
read, which X bills, do not grow with the number of queries).

Also: the default place names of a unit (the gazetteer: district, towns, police stations, in Hindi,
English and Hinglish spellings) and the default incident words (the triage lexicon's urgent terms)."""

import csv
import re
from dataclasses import dataclass

from django.conf import settings

RETWEETS = "-is:retweet"
# Characters X's query parser reads as syntax; a word holding one is quoted, quotes themselves dropped.
_SYNTAX = re.compile(r"[\s():\-#@$]")
_HANDLE = re.compile(r"^@?(\w{1,15})$")
_LANG = re.compile(r"^[a-z]{2,3}$")


class QueryError(ValueError):
    pass


@dataclass(frozen=True)
class Compiled:
    queries: tuple
    limit: int
    places: tuple
    terms: tuple

    @property
    def longest(self):
        return max((len(q) for q in self.queries), default=0)


def limit():
    return settings.X_SEARCH_QUERY_MAX_CHARS


def clean_terms(values):
    """Terms as the watch stores them: stripped, quotes removed, duplicates (any case) dropped, order kept."""
    out, seen = [], set()
    for value in values or ():
        term = " ".join(str(value).replace('"', " ").split())
        if not term or term.casefold() in seen:
            continue
        seen.add(term.casefold())
        out.append(term)
    return out


def operand(term):
    """One term as X reads it: a bare word, or a quoted phrase."""
    return f'"{term}"' if _SYNTAX.search(term) or term.upper() in ("OR", "AND") else term


def _group(terms):
    ops = [operand(t) for t in terms]
    return ops[0] if len(ops) == 1 else "(" + " OR ".join(ops) + ")"


def _suffix(languages, exclude_terms, exclude_accounts):
    parts = []
    langs = [lang for lang in (str(v).strip().lower() for v in languages or ()) if lang]
    for lang in langs:
        if not _LANG.match(lang):
            raise QueryError(f"not a language code: {lang!r}")
    if len(langs) == 1:
        parts.append(f"lang:{langs[0]}")
    elif langs:
        parts.append("(" + " OR ".join(f"lang:{lang}" for lang in langs) + ")")
    parts.append(RETWEETS)
    parts.extend("-" + operand(t) for t in clean_terms(exclude_terms))
    for account in exclude_accounts or ():
        match = _HANDLE.match(str(account).strip())
        if not match:
            raise QueryError(f"not an X handle: {account!r}")
        parts.append(f"-from:{match.group(1)}")
    return " ".join(parts)


def _pack(terms, budget):
    """Greedy groups of terms whose "(a OR b …)" fits `budget` characters; None if one term alone does not."""
    groups, current = [], []
    for term in terms:
        trial = current + [term]
        if len(_group(trial)) <= budget:
            current = trial
            continue
        if not current:
            return None
        groups.append(current)
        current = [term]
        if len(_group(current)) > budget:
            return None
    if current:
        groups.append(current)
    return groups


def compile_watch(places, terms, *, languages=(), exclude_terms=(), exclude_accounts=(), max_chars=None):
    """The queries for a watch. Places or terms may be empty (then that group is left out), not both."""
    max_chars = max_chars or limit()
    places, terms = clean_terms(places), clean_terms(terms)
    if not places and not terms:
        raise QueryError("a watch needs place names or incident words")
    suffix = _suffix(languages, exclude_terms, exclude_accounts)
    room = max_chars - len(suffix) - 1
    if not places or not terms:
        groups = _pack(places or terms, room)
        if groups is None:
            raise QueryError(f"a word does not fit in {max_chars} characters")
        queries = [f"{_group(g)} {suffix}" for g in groups]
        return Compiled(tuple(queries), max_chars, tuple(places), tuple(terms))
    best = None
    # Try each share of the room for the place group; keep the split with the fewest queries.
    widths = sorted({len(_group([p])) for p in places} | {len(_group(places))})
    for width in range(min(widths), min(room, len(_group(places))) + 1):
        place_groups = _pack(places, width)
        if place_groups is None:
            continue
        term_room = room - max(len(_group(g)) for g in place_groups) - 1
        term_groups = _pack(terms, term_room) if term_room > 0 else None
        if term_groups is None:
            continue
        count = len(place_groups) * len(term_groups)
        if best is None or count < best[0]:
            best = (count, place_groups, term_groups)
    if best is None:
        raise QueryError(f"a place and a word together do not fit in {max_chars} characters")
    _, place_groups, term_groups = best
    queries = [f"{_group(p)} {_group(t)} {suffix}" for p in place_groups for t in term_groups]
    return Compiled(tuple(queries), max_chars, tuple(places), tuple(terms))


def compile_for(watch, max_chars=None):
    return compile_watch(watch.place_terms, watch.incident_terms, languages=watch.languages,
                         exclude_terms=watch.exclude_terms, exclude_accounts=watch.exclude_accounts,
                         max_chars=max_chars)


# ---------------------------------------------------------------- defaults from the gazetteer and lexicon

def default_places(unit):
    """The names of the unit's places: the unit and the districts it covers, their towns (the triage
    gazetteer's places.csv) and their police stations, each in English, Hindi and the other spellings on
    file (Hinglish and old names). Station names found in many towns (Kotwali, Civil Lines) are left
    out: alone they say nothing about which district."""
    from districts.models import PoliceStation, Unit, UnitType
    from complaints.triage import places as triage_places

    from .gazetteer import GENERIC_STATIONS, normalise

    units = [unit, *Unit.objects.filter(parent=unit, unit_type=UnitType.DISTRICT, is_active=True)]
    slugs = {u.slug for u in units}
    names = []
    for u in units:
        if u.unit_type in (UnitType.DISTRICT, UnitType.COMMISSIONERATE):
            names += [u.name_en, u.name_hi, *(n for n in (u.alt_names or []) if len(n.split()) <= 2)]
    with open(triage_places.TOWNS, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["unit"].strip() in slugs and row.get("kind", "").strip() == "town":
                names += [row["name_en"], row["name_hi"], *(row.get("alt_names") or "").split(";")]
    for station in PoliceStation.objects.filter(unit__in=units, is_active=True):
        for name in [station.name_en, station.name_hi, *(station.alt_names or [])]:
            if name and normalise(name) not in GENERIC_STATIONS:
                names.append(name)
    return without_redundant(clean_terms(n for n in names if n))


def without_redundant(names):
    """Names that contain another name as whole words are dropped ("Lucknow Police" when "Lucknow" is
    there): X would match them anyway, and they take room in the query."""
    from .gazetteer import words

    keys = {name: " " + " ".join(w for w, _ in words(name)) + " " for name in names}
    return [name for name in names
            if not any(other != name and keys[other].strip() and keys[other] in keys[name]
                       and keys[other] != keys[name] for other in names)]


def searchable(term):
    """A lexicon term X can search for: no stem (*), no spelling mark (=), at most three words."""
    term = term.strip()
    return bool(term) and "*" not in term and not term.startswith("=") and len(term.split()) <= 3


def default_terms(classes=("urgent",), limit_count=None):
    """The lexicon's terms of these classes that X can search for, without the ones that need a cue word
    beside them (the triage reads those in context; a search cannot)."""
    from complaints.triage import lexicon

    out = []
    for term in lexicon.current().terms:
        if term.cls in classes and not term.requires and searchable(term.term):
            out.append(term.term)
    out = clean_terms(out)
    return out[:limit_count] if limit_count else out


def found_in(terms, text):
    """The terms that occur in the text as whole words (what made X return it: shown in the queue)."""
    from .gazetteer import words

    tokens = [w for w, _ in words(text or "")]
    joined = " " + " ".join(tokens) + " "
    out = []
    for term in clean_terms(terms):
        key = " ".join(w for w, _ in words(term))
        if key and f" {key} " in joined:
            out.append(term)
    return out
