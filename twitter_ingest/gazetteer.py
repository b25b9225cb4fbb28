"""Which unit a tweet is about: the unit handles it tags, then district and police-station names in English,
Devanagari and Hinglish (old names too), then the author's profile location and the tweet's place.

Names are matched as whole words on a normalised copy of the text: NFKC, lower case, nukta dropped
(ज़ = ज), chandrabindu read as anusvara, ZWJ/ZWNJ and other invisible marks removed. Python's `\\w` does
not cover Devanagari vowel signs, so the text is split into words by hand (letters, marks and digits
belong to a word) and names are looked up as word sequences.

Routing: a district covered by a commissionerate is suggested as the commissionerate (the unit with the X
account and the cell); districts under a range are suggested directly."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from complaints import reasons
from districts.models import PoliceStation, Unit, UnitType, XAccount

NUKTA = "\u093c"
CHANDRABINDU, ANUSVARA = "\u0901", "\u0902"
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e"))
MAX_WORDS = 5

# Place names that are also everyday words ("संभल के" = "carefully", "basti" = a colony, "banda" = a guy):
# they count only next to a word that says a place is meant.
AMBIGUOUS = {"संभल", "सम्भल", "sambhal", "basti", "बस्ती", "banda", "mau", "मऊ", "deoria"}
PLACE_CUES_AFTER = {"में", "मे", "से", "जिले", "जिला", "जनपद", "पुलिस", "police", "district", "dist", "distt", "jile",
                    "jila", "me", "mein", "se", "ke", "thana", "थाना", "city", "शहर"}
PLACE_CUES_BEFORE = {"जनपद", "जिला", "जिले", "district", "dist", "distt", "in", "at", "from", "थाना", "janpad", "jila",
                     "@"}
# Station names found in many towns; alone they say nothing about which district.
GENERIC_STATIONS = {"chowk", "cantt", "civil lines", "kotwali", "sadar", "city", "lanka", "चौक", "कैंट", "सिविल लाइंस"}
_CUE_EXCEPTIONS = {"ke"}  # "sambhal ke" is "carefully"

CONFIDENCE = {"handle": 0.95, "station": 0.85, "unit": 0.8, "location": 0.5, "place": 0.45}


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(INVISIBLE)
    # NFKC leaves precomposed nukta letters (क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़) composed on some inputs; decompose, then drop.
    text = unicodedata.normalize("NFD", text).replace(NUKTA, "").replace(CHANDRABINDU, ANUSVARA)
    text = "".join(ch for ch in text if not (unicodedata.category(ch) == "Mn" and ord(ch) < 0x0900))  # Latin accents
    return unicodedata.normalize("NFC", text).casefold()


# Letters, digits and the combining marks that belong inside words (Devanagari vowel signs, virama,
# nukta; Latin accents), plus the invisible joiners that normalise() removes.
_WORD = re.compile(r"[\w\u0300-\u036f\u0900-\u097f\u0980-\u0dff\u200b-\u200d\u2060\ufeff\u00ad]+")


@lru_cache(maxsize=8192)
def words(text: str):
    """[(normalised word, original surface)] of a text."""
    out = []
    for match in _WORD.finditer(text):
        surface = match.group(0).strip("_")
        norm = normalise(surface)
        if norm:
            out.append((norm, surface))
    return tuple(out)


def name_key(name: str):
    return tuple(w for w, _ in words(name))


@dataclass
class Suggestion:
    unit: Unit
    confidence: float
    reason: str


class Gazetteer:
    """Compiled once per run from the units registry; lookups are dictionary hits."""

    def __init__(self):
        units = {u.pk: u for u in Unit.objects.active()}
        self.units = units
        self.names = {}       # word tuple -> unit id (or None when ambiguous)
        self.stations = {}    # word tuple -> unit id (or None when ambiguous)
        self.handles = {}     # handle lower -> unit id
        for unit in units.values():
            if unit.unit_type not in (UnitType.DISTRICT, UnitType.COMMISSIONERATE, UnitType.TRAFFIC):
                continue
            for name in [unit.name_en, unit.name_hi, *(unit.alt_names or [])]:
                self._add(self.names, name, self.route(unit).pk)
        for station in PoliceStation.objects.filter(is_active=True, unit__is_active=True):
            unit = units.get(station.unit_id)
            if unit is None:
                continue
            for name in [station.name_en, station.name_hi, *(station.alt_names or [])]:
                if normalise(name) in GENERIC_STATIONS:
                    continue
                self._add(self.stations, name, self.route(unit).pk)
        for account in XAccount.objects.filter(is_active=True):
            if account.unit_id in units:
                self.handles[account.handle.lower()] = self.route(units[account.unit_id]).pk

    def _add(self, table, name, unit_id):
        key = name_key(name or "")
        if not key or len(key) > MAX_WORDS:
            return
        if key in table and table[key] != unit_id:
            table[key] = None
        else:
            table[key] = unit_id

    def route(self, unit):
        """The unit a complaint about `unit` goes to (the commissionerate for a district it covers)."""
        parent = self.units.get(unit.parent_id) if unit.parent_id else None
        if unit.unit_type == UnitType.DISTRICT and parent is not None and parent.unit_type == UnitType.COMMISSIONERATE:
            return parent
        return unit

    def find(self, text):
        """[(unit id, surface, kind)] for every name found, longest match first at each position."""
        tokens = words(text or "")
        found, i = [], 0
        while i < len(tokens):
            hit = None
            for size in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
                key = tuple(w for w, _ in tokens[i:i + size])
                for table, kind in ((self.stations, "station"), (self.names, "unit")):
                    if key in table and table[key] is not None:
                        if size == 1 and key[0] in AMBIGUOUS and not self._cued(tokens, i):
                            continue
                        hit = (table[key], " ".join(s for _, s in tokens[i:i + size]), kind, size)
                        break
                if hit:
                    break
            if hit:
                found.append(hit[:3])
                i += hit[3]
            else:
                i += 1
        return found

    @staticmethod
    def _cued(tokens, i):
        after = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        before = tokens[i - 1][0] if i > 0 else ""
        if after in _CUE_EXCEPTIONS:
            return False
        return after in PLACE_CUES_AFTER or before in PLACE_CUES_BEFORE

    def suggest(self, text, *, tagged=(), location="", place=""):
        """The best unit for a tweet, with a confidence and a reason a person can check, or None."""
        for handle in tagged:
            unit_id = self.handles.get(handle.lower())
            if unit_id and self.units[unit_id].unit_type != UnitType.STATE:
                unit = self.units[unit_id]
                return Suggestion(unit, CONFIDENCE["handle"],
                                  reasons.encode(reasons.TAGGED, handle=handle, unit=reasons.named(unit)))
        for source, value in (("text", text), ("location", location), ("place", place)):
            hits = self.find(value)
            if not hits:
                continue
            distinct = list(dict.fromkeys(h[0] for h in hits))
            unit_id, surface, kind = next(h for h in hits if h[0] == distinct[0])
            unit = self.units[unit_id]
            if source == "text":
                confidence = CONFIDENCE[kind]
                code = reasons.UNIT_MENTIONED
            else:
                confidence = CONFIDENCE[source]
                code = reasons.PROFILE_LOCATION if source == "location" else reasons.TWEET_PLACE
            reason = reasons.encode(code, surface=surface, unit=reasons.named(unit))
            if len(distinct) > 1:
                confidence = round(confidence * 0.6, 2)
                reason = reasons.both(reason, reasons.encode(
                    reasons.ALSO_MENTIONS, units=[reasons.named(self.units[u]) for u in distinct[1:3]]))
            return Suggestion(unit, confidence, reason)
        return None
