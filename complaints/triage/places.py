"""Which district or commissionerate a mention belongs to, and which police station, read the way people
write an address.

The gazetteer holds every name of every district, commissionerate and traffic unit (the units registry:
names, Hindi names, alternate and old names), every police station (districts.PoliceStation) and the
towns, tehsils and localities of fixtures/triage/places.csv; names are matched on the skeleton keys of
`normalise`, so "Gaziabad", "ग़ाज़ियाबाद" and "गाजियाबाद" are one name.

What the writer marks wins over a place word that merely occurs (the cue words are lexicon classes):

- a tagged unit handle;
- a name after or before जनपद/जिला/jila/district, or just before the state's name (… Lucknow, UP);
- a police station named with थाना/PS/police station;
- a registry station, then a district name, then a town or locality of the district.

A name followed by road/marg/colony/vihar/gate/wali gali (सुल्तानपुर रोड, Pratap Vihar) or preceded by
ग्राम/gram/village/mohalla/kasba (ग्राम रामपुर) is not that district; a district's name after थाना is a
station of that name (थाना कौशाम्बी in Ghaziabad); a name that is also an everyday word (basti, banda,
sambhal) counts only with a place cue; where the writer lives (…se hu, I live in, a married woman's maika)
counts half, and so do the two ends of a journey ("Kanpur se Jhansi wali bus … Orai ke paas"). A name
followed by a district in brackets, or by the district it is a locality of ("Kaushambi (Ghaziabad)",
"Kaushambi Ghaziabad"), is not that other district; a district's name after थाना with another place name
on the station's side ("Chowk thana Lucknow", "Cantt Gorakhpur thane") is the district. A station name
found in many towns never outweighs another place; standing alone it suggests the registry's station of
that name, with low confidence. A district covered by a commissionerate is routed to the commissionerate. The station is suggested only when it is a
registry station of the unit chosen ("Chowk, Lucknow" → Chowk; "Chowk, Varanasi" → none)."""

import csv
import hashlib
import re
import threading
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick
from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .normalise import haystack, term_keys
from .terms import TermClass as C

TOWNS = Path(__file__).resolve().parents[2] / "fixtures" / "triage" / "places.csv"
RECHECK_SECONDS = 10
HANDLE = re.compile(r"(?<![\w@])@(\w{1,15})")
# After a name, a comma, colon, full stop, dash or line break: the name stands as a line of an address.
_ADDRESS_BREAK = re.compile(r"\s*[,:.;|\-–—\n)]")
_BREAK = re.compile(r"[,:;.|।\n]")

WEIGHT = {
    "handle": 10.0, "district_cue": 8.0, "state_cue": 7.0, "station_cue": 6.0, "station": 4.0,
    "unit": 3.0, "town": 2.5, "special_handle": 1.0,
}
PLACE_CLASSES = frozenset({C.PLACE_DISTRICT, C.PLACE_STATION, C.PLACE_STATE, C.PLACE_NOT_AFTER, C.PLACE_NOT_BEFORE,
                           C.PLACE_HOME, C.PLACE_AMBIGUOUS, C.PLACE_CUE, C.PLACE_GENERIC})
AMBIGUOUS_SHARE = 0.6      # a town of several districts gives each this share of its weight
HOME_SHARE = 0.5
ROUTE_SHARE = 0.5
_ROUTE_WORDS = frozenset(term_keys("se से to tak तक"))


@dataclass(frozen=True)
class Place:
    unit: str          # the unit a complaint about it goes to (a commissionerate for a district it covers)
    kind: str          # "unit", "station" or "town"
    name: str          # the registry's English name
    station: str = ""  # for a station: its name_en


@dataclass(frozen=True)
class Evidence:
    surface: str       # the words of the text
    rule: str          # which reading (a WEIGHT key, or "skipped:<why>")
    unit: str          # the unit it points to
    weight: float


@dataclass(frozen=True)
class Reading:
    unit: str | None
    confidence: float
    thana: str | None = None
    thana_confidence: float = 0.0
    evidence: tuple = ()
    scores: dict = field(default_factory=dict)


class Gazetteer:
    def __init__(self, units, stations, accounts, towns):
        """units: [(slug, unit_type, parent slug, [names])]; stations: [(unit slug, name_en, [names])];
        accounts: [(handle, unit slug)]; towns: [(district slug, name, [names])]."""
        self.types = {slug: utype for slug, utype, _, _ in units}
        self.parents = {slug: parent for slug, _, parent, _ in units}
        self.names = {}
        for slug, utype, _, names in units:
            if utype in ("district", "commissionerate", "traffic"):
                for name in names:
                    self._add(name, Place(self.route(slug), "unit", names[0]))
        for slug, name_en, names in stations:
            for name in names:
                self._add(name, Place(self.route(slug), "station", name_en, name_en))
        for slug, name_en, names in towns:
            for name in names:
                self._add(name, Place(self.route(slug), "town", name_en))
        self.handles = {handle.lower(): self.route(slug) for handle, slug in accounts if slug in self.types}
        self.automaton = ahocorasick.Automaton()
        for pattern, places in self.names.items():
            self.automaton.add_word(pattern, (len(pattern), tuple(dict.fromkeys(places))))
        self.automaton.make_automaton()

    def _add(self, name, place):
        keys = term_keys(name or "")
        if keys:
            self.names.setdefault(" " + " ".join(keys) + " ", []).append(place)

    def within(self, slug, ancestor):
        """The unit itself or a unit below it (a district under its range, a range under its zone)."""
        seen = set()
        while slug and slug not in seen:
            if slug == ancestor:
                return True
            seen.add(slug)
            slug = self.parents.get(slug)
        return False

    def route(self, slug):
        parent = self.parents.get(slug)
        if self.types.get(slug) == "district" and self.types.get(parent) == "commissionerate":
            return parent
        return slug

    def matches(self, toks, joined=None):
        """[(first, last, places)], leftmost-longest, not overlapping."""
        if not toks:
            return []
        text, starts = joined or haystack(toks)
        found = []
        for end, (length, places) in self.automaton.iter(text):
            first = bisect_right(starts, end - length + 1) - 1
            found.append((first, bisect_right(starts, end - 1) - 1, places))
        found.sort(key=lambda m: (m[0], m[0] - m[1]))
        chosen, upto = [], -1
        for match in found:
            if match[0] > upto:
                chosen.append(match)
                upto = match[1]
        return chosen

    def read(self, text, toks, hits, joined=None):
        """The Reading of a text, given its tokens and its lexicon hits."""
        ends, starts = {}, {}
        spans = {C.PLACE_AMBIGUOUS: [], C.PLACE_GENERIC: [], C.PLACE_HOME: []}
        for hit in hits:
            if hit.cls in PLACE_CLASSES:
                ends.setdefault(hit.last, set()).add(hit.cls)
                starts.setdefault(hit.first, set()).add(hit.cls)
                if hit.cls in spans:
                    spans[hit.cls].append((hit.first, hit.last))
        evidence = []
        for handle in (HANDLE.findall(text) if "@" in text else ()):
            slug = self.handles.get(handle.lower())
            if not slug or self.types.get(slug) == "state":
                continue
            rule = "handle" if self.types.get(slug) in ("district", "commissionerate", "traffic") else "special_handle"
            evidence.append(Evidence("@" + handle, rule, slug, WEIGHT[rule]))
        matches = self.matches(toks, joined)
        if not matches and not evidence:
            return Reading(None, 0.0)
        starts_of_matches = {m[0] for m in matches}
        cue_ends = {}
        for hit in hits:
            if hit.cls == C.PLACE_DISTRICT:
                cue_ends[hit.first] = max(cue_ends.get(hit.first, hit.last), hit.last)

        # Staff are shown the words that placed a mention with the word that marked them ("जनपद बाराबंकी",
        # "थाना हजरतगंज", "Lucknow UP"), not the name alone.
        cue_first, cue_last = {}, {}
        for hit in hits:
            if hit.cls in (C.PLACE_DISTRICT, C.PLACE_STATION, C.PLACE_STATE):
                cue_first[hit.last] = min(cue_first.get(hit.last, hit.first), hit.first)
                cue_last[hit.first] = max(cue_last.get(hit.first, hit.last), hit.last)

        def with_cue(first, last, cue_before, cue_after):
            a = cue_first.get(first - 1, first) if cue_before else first
            b = cue_last.get(last + 1, last) if cue_after else last
            return text[toks[a].start:toks[b].end]

        def after_cue_end(last):
            return cue_ends.get(last + 1, last + 1)

        def place_follows(cue_last):
            return cue_last + 1 in starts_of_matches

        stations, skipped = [], set()
        for index, (first, last, places) in enumerate(matches):
            surface = text[toks[first].start:toks[last].end]
            # A comma between a cue word and a name parts them ("police station, Allahabad").
            before = ends.get(first - 1, set()) if first and not _broken(text, toks[first - 1].end, toks[first].start) \
                else set()
            after = starts.get(last + 1, set()) if last + 1 < len(toks) and not _broken(
                text, toks[last].end, toks[last + 1].start) else set()
            units_here = [p for p in places if p.kind == "unit"]
            station_here = [p for p in places if p.kind == "station"]
            # "Civil Lines" is many towns' station; "Civil Lines Prayagraj" (a longer name) is one.
            generic = _covers(spans[C.PLACE_GENERIC], first, last)
            neighbour_place = (index > 0 and matches[index - 1][1] == first - 1) or (
                index + 1 < len(matches) and matches[index + 1][0] == last + 1)
            if C.PLACE_NOT_AFTER in after or self._chain_skipped(text, toks, matches, index, starts):
                evidence.append(Evidence(surface, "skipped:road_or_colony", places[0].unit, 0.0))
                skipped.add(index)
                continue
            if C.PLACE_NOT_BEFORE in before:
                evidence.append(Evidence(surface, "skipped:village_or_mohalla", places[0].unit, 0.0))
                skipped.add(index)
                continue
            if self._district_follows(text, toks, matches, index):
                # "Kaushambi (Ghaziabad)", "Kaushambi Ghaziabad": the district named next is the one the first
                # name lies in (in brackets, or when the first is also a locality of that district).
                evidence.append(Evidence(surface, "skipped:locality_of_bracketed_district", places[0].unit, 0.0))
                skipped.add(index)
                continue
            # "रामपुर जनपद" marks Rampur; in "ग्राम रामपुर, जनपद बाराबंकी" the word belongs to Barabanki.
            district_after = C.PLACE_DISTRICT in after and not place_follows(after_cue_end(last))
            marked_station = C.PLACE_STATION in before or C.PLACE_STATION in after
            marked_district = (C.PLACE_DISTRICT in before or district_after) and not marked_station
            if marked_station and units_here and self._station_named_first(
                    matches, index, before, after, cue_first, skipped):
                # "हजरतगंज थाना लखनऊ", "Cantt Gorakhpur thane": the station is the name before; this is its district.
                marked_station, marked_district = False, True
            if units_here and _bracketed(text, toks, first) and index and matches[index - 1][1] == first - 1:
                marked_district = True
            marked_state = C.PLACE_STATE in after
            stands_alone = last == len(toks) - 1 or bool(_ADDRESS_BREAK.match(text, toks[last].end))
            cued = marked_station or marked_district or marked_state or bool(
                (before | after) & {C.PLACE_CUE}) or neighbour_place or stands_alone
            if _overlaps(spans[C.PLACE_AMBIGUOUS], first, last) and not cued:
                evidence.append(Evidence(surface, "skipped:everyday_word", places[0].unit, 0.0))
                continue
            share = HOME_SHARE if _home(spans[C.PLACE_HOME], first, last, text, toks) else 1.0
            if _route_end(toks, matches, index):
                # "Kanpur se Jhansi wali bus, Orai ke paas": the ends of a journey say less than where it happened.
                share *= ROUTE_SHARE
            if station_here and (marked_station or not units_here):
                stations.append((station_here, marked_station, generic))
                if not generic:
                    rule = "station_cue" if marked_station else "station"
                    shown = with_cue(first, last, C.PLACE_STATION in before, C.PLACE_STATION in after) \
                        if marked_station else surface
                    for place in station_here:
                        evidence.append(Evidence(shown, rule, place.unit, WEIGHT[rule] * share / len(station_here)))
                continue
            if marked_station and units_here:
                # थाना कौशाम्बी: a station named after a district, not the district itself.
                evidence.append(Evidence(surface, "skipped:station_named_after_district", units_here[0].unit, 0.0))
                continue
            if units_here:
                rule = "district_cue" if marked_district else "state_cue" if marked_state else "unit"
                shown = with_cue(first, last, C.PLACE_DISTRICT in before, district_after or marked_state) \
                    if rule != "unit" else surface
                for place in units_here:
                    evidence.append(Evidence(shown, rule, place.unit, WEIGHT[rule] * share / len(units_here)))
                if station_here:
                    stations.append((station_here, False, True))
                continue
            towns = [p for p in places if p.kind == "town"]
            if towns and not generic:
                units = list(dict.fromkeys(p.unit for p in towns))
                weight = WEIGHT["town"] * (1.0 if len(units) == 1 else AMBIGUOUS_SHARE)
                rule = "district_cue" if marked_district else "town"
                shown = with_cue(first, last, C.PLACE_DISTRICT in before, district_after) if marked_district else surface
                for unit in units:
                    each = WEIGHT[rule] if marked_district else weight
                    evidence.append(Evidence(shown, rule, unit, each * share))
        return self._decide(evidence, stations)

    def _chain_skipped(self, text, toks, matches, index, starts):
        """Lucknow-Agra expressway: a name right before a road-named name is part of the road's name, when
        the two are joined by a dash or both are district names (a town's road inside a district, "Kasganj
        Sahawar road", leaves the district standing)."""
        first, last, places = matches[index]
        if index + 1 >= len(matches) or matches[index + 1][0] != last + 1:
            return False
        nxt = matches[index + 1]
        if C.PLACE_NOT_AFTER not in starts.get(nxt[1] + 1, set()) or not any(p.kind == "unit" for p in places):
            return False
        joined = bool(re.search(r"[-–—/]", text[toks[last].end:toks[nxt[0]].start]))
        return joined or any(p.kind == "unit" for p in nxt[2])

    def _district_follows(self, text, toks, matches, index):
        first, last, places = matches[index]
        if index + 1 >= len(matches) or matches[index + 1][0] != last + 1:
            return False
        nxt_first, _, nxt_places = matches[index + 1]
        units = {p.unit for p in nxt_places if p.kind == "unit"}
        own = {p.unit for p in places if p.kind == "unit"}
        if not units or not own or units & own:
            return False
        return _bracketed(text, toks, nxt_first) or any(p.kind != "unit" and p.unit in units for p in places)

    @staticmethod
    def _station_named_first(matches, index, before, after, cue_first, skipped):
        """A district's name next to थाना/thane with another place name on the station's side: "Ghazipur
        thana Lucknow" (the cue between them), "Cantt Gorakhpur thane" (the name right before)."""
        first = matches[index][0]
        if C.PLACE_STATION in before:
            cue_start = cue_first.get(first - 1, first - 1)
            prev = [i for i, m in enumerate(matches) if m[1] == cue_start - 1]
        else:
            prev = [i for i, m in enumerate(matches) if m[1] == first - 1]
        return any(i not in skipped for i in prev)

    def _decide(self, evidence, stations):
        scores = {}
        for item in evidence:
            if item.weight > 0:
                scores[item.unit] = scores.get(item.unit, 0.0) + item.weight
        if not scores:
            # Only a station name found in many towns ("in Mahanagar"): the registry's station of that name,
            # if only one unit has it, and not confidently.
            units = {p.unit for places, _, generic in stations if generic for p in places}
            if len(units) == 1:
                unit = units.pop()
                station = next(p.station for places, _, _ in stations for p in places if p.unit == unit)
                return Reading(unit, 0.4, station, 0.4, tuple(evidence) + (
                    Evidence(station, "generic_station_only", unit, 0.0),), {unit: 0.0})
            return Reading(None, 0.0, evidence=tuple(evidence), scores=scores)
        order = {}
        for position, item in enumerate(evidence):
            if item.weight > 0:
                order.setdefault(item.unit, position)
        ranked = sorted(scores, key=lambda u: (-scores[u], order[u]))
        best = ranked[0]
        top, second = scores[best], (scores[ranked[1]] if len(ranked) > 1 else 0.0)
        confidence = round(min(0.97, 0.45 + 0.05 * top) * (1.0 - 0.5 * second / top), 2)
        thana, thana_confidence = None, 0.0
        for places, marked, generic in stations:
            for place in places:
                if place.unit == best:
                    thana = place.station
                    thana_confidence = 0.9 if marked else 0.6 if generic else 0.8
                    break
            if thana:
                break
        used = tuple(e for e in evidence if e.weight == 0 or e.unit == best) + tuple(
            e for e in evidence if e.weight > 0 and e.unit != best)
        return Reading(best, confidence, thana, round(thana_confidence * confidence / max(confidence, 0.01), 2),
                       used, scores)


def _broken(text, start, end):
    return bool(_BREAK.search(text, start, end))


def _route_end(toks, matches, index):
    """The name is one end of "X se Y" / "X to Y" (a journey or a bus route)."""
    first, last, _ = matches[index]
    after = index + 1 < len(matches) and matches[index + 1][0] == last + 2 and toks[last + 1].key in _ROUTE_WORDS
    before = index > 0 and matches[index - 1][1] == first - 2 and toks[first - 1].key in _ROUTE_WORDS
    return after or before


def _covers(spans, first, last):
    return any(a <= first and last <= b for a, b in spans)


def _bracketed(text, toks, first):
    """The name opens a bracket: "Kaushambi (Ghaziabad)"."""
    return first > 0 and text[toks[first - 1].end:toks[first].start].strip().endswith("(")


def _overlaps(spans, first, last):
    return any(a <= last and first <= b for a, b in spans)


def _home(spans, first, last, text, toks):
    """"Lucknow me rehta hu" (the words after the name) or "I live in Lucknow" (right before it, with no
    comma between)."""
    return any(last < a <= last + 3 and not _broken(text, toks[last].end, toks[a].start)
               or first - 2 <= b < first and not _broken(text, toks[b].end, toks[first].start) for a, b in spans)


def read_towns(path=TOWNS):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        names = [row["name_en"], row["name_hi"], *[n for n in (row.get("alt_names") or "").split(";")]]
        out.append((row["unit"].strip(), row["name_en"].strip(), [n.strip() for n in names if n.strip()]))
    return out


def registry_rows():
    """The units registry as the gazetteer reads it (one query per table)."""
    from districts.models import PoliceStation, Unit, XAccount

    units = [(u.slug, u.unit_type, u.parent.slug if u.parent_id else None,
              [u.name_en, u.name_hi, *(u.alt_names or [])])
             for u in Unit.objects.filter(is_active=True).select_related("parent")]
    stations = [(s.unit.slug, s.name_en, [s.name_en, s.name_hi, *(s.alt_names or [])])
                for s in PoliceStation.objects.filter(is_active=True, unit__is_active=True).select_related("unit")]
    accounts = [(a.handle, a.unit.slug) for a in XAccount.objects.filter(is_active=True).select_related("unit")]
    return units, stations, accounts


_lock = threading.Lock()
_state = {"gazetteer": None, "stamp": None, "checked": 0.0}


def current():
    """The gazetteer of the registry as it is now (rebuilt when a unit, station or account changed)."""
    now = time.monotonic()
    recheck = getattr(settings, "TRIAGE_RECHECK_SECONDS", RECHECK_SECONDS)
    if _state["gazetteer"] is not None and now - _state["checked"] < recheck:
        return _state["gazetteer"]
    with _lock:
        rows = registry_rows()
        stamp = hashlib.sha256(repr(rows).encode()).hexdigest()
        if _state["gazetteer"] is None or stamp != _state["stamp"]:
            _state["gazetteer"] = Gazetteer(*rows, read_towns())
            _state["stamp"] = stamp
        _state["checked"] = now
        return _state["gazetteer"]


def forget():
    _state["gazetteer"] = None
    _state["checked"] = 0.0


@receiver(post_save, sender="districts.Unit")
@receiver(post_save, sender="districts.PoliceStation")
@receiver(post_save, sender="districts.XAccount")
@receiver(post_delete, sender="districts.PoliceStation")
@receiver(post_delete, sender="districts.XAccount")
def _registry_changed(**kwargs):
    forget()
