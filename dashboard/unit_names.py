"""A unit as a person types it: its English or Hindi name, an alternate name or its slug, in any case, with
or without spaces, with or without nukta ("Meerut", "मेरठ", "merath", "गौतम बुद्ध नगर" = "गौतमबुद्धनगर").
An exact match on any name wins; otherwise the closest names are offered, never guessed."""

import difflib
import re

from complaints.triage.normalise import fold
from districts.models import Unit

_GAPS = re.compile(r"[\s\-_.,()]+")


def key(text):
    return _GAPS.sub("", fold(text or ""))


def _names(unit):
    return [unit.slug, unit.name_en, unit.name_hi, *(n for n in (unit.alt_names or []) if isinstance(n, str))]


def _index():
    index = {}
    for unit in Unit.objects.routable():
        for name in _names(unit):
            if name:
                index.setdefault(key(name), set()).add(unit)
    return index


def resolve(typed):
    """(unit, close) — the one routable unit the text names, else None and the units it most likely meant
    (several when the name fits more than one, the nearest spellings when it fits none)."""
    wanted = key(typed)
    if not wanted:
        return None, []
    index = _index()
    exact = index.get(wanted, set())
    if len(exact) == 1:
        return next(iter(exact)), []
    if exact:
        return None, sorted(exact, key=lambda u: u.name_en)
    close = {u for k, units in index.items() if wanted in k for u in units}
    for near in difflib.get_close_matches(wanted, list(index), n=6, cutoff=0.75):
        close |= index[near]
    return None, sorted(close, key=lambda u: u.name_en)[:8]


def label(unit):
    """Both names, for a suggestion or an error: "Meerut / मेरठ"."""
    return f"{unit.name_en} / {unit.name_hi}" if unit.name_hi else unit.name_en


def choices():
    """What the unit field's datalist offers: every routable unit by its English and its Hindi name."""
    options = []
    for slug, en, hi in Unit.objects.routable().order_by("name_en").values_list("slug", "name_en", "name_hi"):
        options.append((en, hi or en))
        if hi:
            options.append((hi, en))
    return options
