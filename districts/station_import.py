"""HQ's CSV import of police stations: columns district, name_en, name_hi, alternates (alternates split by
";"). UTF-8 with or without a byte-order mark; names cleaned as districts.names does.

All or nothing: every row is checked first, and a file with any bad row is refused with the line numbers
and what is wrong, leaving the stations as they were. A good file is applied in one transaction.

Re-importing is harmless: a row whose name (or one of its names) is already a station of the district
(or of its commissionerate) adds only the Hindi name if the station had none and alternates it did not
have; nothing is ever removed, renamed or retired by an import, so the starter list and the cells' own
changes stay. A retired station named in a file stays retired (the cell retired it)."""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from . import names, stations
from .models import CellAction, CellEvent, PoliceStation, Unit

COLUMNS = ("district", "name_en", "name_hi", "alternates")
MAX_ROWS = 20_000


class ImportRefused(Exception):
    """The file was not imported; `errors` are (line, message) pairs, line 0 for the file as a whole."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(f"{line}: {message}" for line, message in errors))


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    per_unit: dict = field(default_factory=dict)


def decode(data):
    """Text of an uploaded file (bytes) or a str, without a byte-order mark."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportRefused([(0, _("The file is not UTF-8 text (byte %(at)d). Save it as “CSV UTF-8”.")
                                  % {"at": exc.start})]) from None
    return data.lstrip("\ufeff")


def _unit_index():
    """{name key: [units]} for every district and commissionerate, by slug and every name."""
    index = {}
    for unit in Unit.objects.filter(unit_type__in=stations.STATION_UNIT_TYPES).select_related("parent"):
        for name in (unit.slug, unit.name_en, unit.name_hi, *(unit.alt_names or [])):
            if name:
                index.setdefault(names.key(name), {})[unit.pk] = unit
    return index


def read(text):
    """[(line, unit, name_en, name_hi, [alternates])] of a CSV, or ImportRefused with every bad row."""
    reader = csv.DictReader(io.StringIO(decode(text), newline=""))
    header = [names.key(h) for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS[:2] if c not in header]
    if missing:
        raise ImportRefused([(1, _("The first line must name the columns %(columns)s; missing: %(missing)s.")
                              % {"columns": ", ".join(COLUMNS), "missing": ", ".join(missing)})])
    reader.fieldnames = header
    index, rows, errors, seen = _unit_index(), [], [], {}
    for row in reader:
        line = reader.line_num
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append((line, _("More than %(n)d rows: split the file.") % {"n": MAX_ROWS}))
            break
        if None in row:
            errors.append((line, _("More cells than columns (a comma inside a name needs quotes).")))
            continue
        district = names.clean(row.get("district"))
        name_en, name_hi = names.clean(row.get("name_en")), names.clean(row.get("name_hi"))
        if not any((district, name_en, name_hi, names.clean(row.get("alternates")))):
            continue  # a blank line
        units = list(index.get(names.key(district), {}).values())
        if not district:
            errors.append((line, _("The district is empty.")))
        elif not units:
            errors.append((line, _("No district or commissionerate is called “%(name)s”.") % {"name": district}))
        elif len(units) > 1:
            errors.append((line, _("“%(name)s” names more than one unit (%(units)s); use the unit's slug.")
                           % {"name": district, "units": ", ".join(u.slug for u in units)}))
        if not name_en:
            errors.append((line, _("The English name (name_en) is empty.")))
        if len(units) != 1 or not name_en:
            continue
        unit = units[0]
        alternates = names.unique(names.split_alternates(row.get("alternates")), leave_out=(name_en, name_hi))
        family = stations.family_root(unit)
        for name in (name_en, name_hi, *alternates):
            earlier = seen.get((family, names.key(name)))
            if earlier:
                errors.append((line, _("“%(name)s” is already on line %(line)d for the same district.")
                               % {"name": name, "line": earlier}))
                break
        else:
            for name in (name_en, name_hi, *alternates):
                seen[(family, names.key(name))] = line
            rows.append((line, unit, name_en, name_hi, alternates))
    if errors:
        raise ImportRefused(errors)
    if not rows:
        raise ImportRefused([(0, _("The file has no rows of police stations."))])
    return rows


@transaction.atomic
def apply(text, *, actor=None):
    """Check the whole file, then add or complete the stations; one entry per unit on its cell page."""
    rows = read(text)
    result = Result()
    for _line, unit, name_en, name_hi, alternates in rows:
        station = next((s for s in (stations.find(unit, n) for n in (name_en, name_hi, *alternates) if n) if s),
                       None)
        # Recorded on the page of the unit whose list has the station (a commissionerate's, for its district).
        per_unit = result.per_unit.setdefault(station.unit if station else unit, {"created": [], "updated": []})
        if station is None:
            PoliceStation.objects.create(unit=unit, name_en=name_en, name_hi=name_hi, alt_names=alternates)
            result.created += 1
            per_unit["created"].append(name_en)
            continue
        known = [station.name_en, station.name_hi, *(station.alt_names or [])]
        extra = names.unique([name_en, *alternates, *([name_hi] if station.name_hi else [])], leave_out=known)
        fill_hi = name_hi if not station.name_hi else ""
        if not extra and not fill_hi:
            result.unchanged += 1
            continue
        station.alt_names = [*(station.alt_names or []), *extra]
        station.name_hi = station.name_hi or fill_hi
        station.save(update_fields=["alt_names", "name_hi"])
        result.updated += 1
        per_unit["updated"].append(station.name_en)
    for unit, changes in result.per_unit.items():
        if changes["created"] or changes["updated"]:
            CellEvent.record(unit, CellAction.STATIONS_IMPORTED, actor, unit.name_en, **changes)
    return result
