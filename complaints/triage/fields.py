"""What the desk's reading of a mention writes on a new complaint.

`complaint_fields(judgement)` turns a Judgement into Complaint fields: the urgent words and the priority,
the restriction, the reply language, the suggested unit and police station with the words that placed
them, and the whole judgement for the record. `merge(given, judged)` lets what a person set by hand win,
except where the rules are a floor: sensitive words always restrict and urgent words always raise the
priority, whoever files the complaint."""

import threading

from .judge import Kind

_lock = threading.Lock()
_ids = {"gazetteer": None, "units": {}, "stations": {}}


def _registry_ids(gazetteer):
    """{unit slug: pk} and {(unit slug, station name_en): pk}, rebuilt when the gazetteer is."""
    if _ids["gazetteer"] is not gazetteer:
        from districts.models import PoliceStation, Unit

        with _lock:
            units = dict(Unit.objects.values_list("slug", "pk"))
            stations = {(slug, name): pk for pk, slug, name in
                        PoliceStation.objects.filter(is_active=True).values_list("pk", "unit__slug", "name_en")}
            _ids.update(gazetteer=gazetteer, units=units, stations=stations)
    return _ids["units"], _ids["stations"]


def _station(stations, unit_slug, name, gazetteer):
    """The station of that name under the unit (a commissionerate's stations sit under its districts)."""
    if not name:
        return None
    if (unit_slug, name) in stations:
        return stations[(unit_slug, name)]
    for (slug, station_name), pk in stations.items():
        if station_name == name and gazetteer.within(slug, unit_slug):
            return pk
    return None


def unit_id(slug):
    from . import places

    return _registry_ids(places.current())[0].get(slug) if slug else None


def reason(judgement):
    """The words that placed the complaint, as staff read them: “जनपद बाराबंकी” → barabanki."""
    unit = judgement.unit
    words = [e.words for e in unit.evidence if e.words and e.value == unit.value]
    if not words:
        words = [e.rule for e in unit.evidence if e.value == unit.value]
    shown = ", ".join(f"“{w}”" for w in dict.fromkeys(words))
    return f"{shown} → {unit.value}"[:300] if unit.value else ""


def complaint_fields(judgement, *, x_lang=""):
    from . import places

    gazetteer = places.current()
    units, stations = _registry_ids(gazetteer)
    fields = {
        "urgent_terms": list(dict.fromkeys(judgement.urgent_terms)),
        "is_restricted": bool(judgement.sensitive.value),
        "language": judgement.reply_language.value or "",
        "x_lang": (x_lang or "")[:10],
        "triage": judgement.as_dict(),
    }
    if judgement.urgent.value:
        fields["priority"] = "urgent"
    unit_slug = judgement.unit.value
    if unit_slug and unit_slug in units and gazetteer.types.get(unit_slug) != "state":
        fields.update(suggested_unit_id=units[unit_slug], suggestion_reason=reason(judgement),
                      suggestion_confidence=round(float(judgement.unit.confidence), 2))
        station = _station(stations, unit_slug, judgement.thana.value, gazetteer)
        if station:
            fields["suggested_station_id"] = station
    return fields


def merge(given, judged):
    """`given`: what the person filing set; `judged`: complaint_fields(). Their choice stands except that
    the rules' floor holds (sensitive restricts, urgent raises the priority)."""
    out = dict(judged)
    for key, value in given.items():
        if key in ("is_restricted",):
            out[key] = bool(value) or judged.get(key, False)
        elif key == "priority" and judged.get("priority") == "urgent":
            out[key] = "urgent"
        elif key == "language" and value not in ("hi", "en"):
            out["x_lang"] = out.get("x_lang") or str(value)[:10]
        elif key == "suggested_unit" and value is not None:
            out.pop("suggested_unit_id", None)
            out.pop("suggested_station_id", None)
            out[key] = value
        else:
            out[key] = value
    return out


def is_complaint(judgement):
    return judgement.kind.value in (Kind.COMPLAINT, Kind.FOLLOW_UP)
