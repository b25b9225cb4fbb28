"""A unit's police stations as its cell keeps them: add, rename, retire, restore. Every change is recorded
on the unit's cell page (CellEvent) in the same transaction.

A renamed station keeps its old English and Hindi names as alternates, so the triage's gazetteer (which
reads every name of every active station) still places a tweet that uses the old name, and complaints
filed against the station keep pointing at the same row. A retired station is kept (complaints refer to
it) but is not active: the gazetteer leaves it out and it is not offered for new complaints."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import names
from .models import CellAction, CellEvent, PoliceStation, Unit, UnitType

STATION_UNIT_TYPES = (UnitType.DISTRICT, UnitType.COMMISSIONERATE)


def keeps_stations(unit):
    return unit.unit_type in STATION_UNIT_TYPES


def family_ids(unit):
    """The units whose stations are one list: a commissionerate and the districts it covers (the starter
    list files Lucknow's stations under the commissionerate; a cell may file them under the district)."""
    ids = {unit.pk}
    if unit.parent_id and unit.parent.unit_type == UnitType.COMMISSIONERATE:
        ids.add(unit.parent_id)
    ids.update(Unit.objects.filter(parent=unit, unit_type__in=STATION_UNIT_TYPES).values_list("pk", flat=True))
    return ids


def family_root(unit):
    """The commissionerate of a district it covers, else the unit: one id per list of stations."""
    if unit.parent_id and unit.parent.unit_type == UnitType.COMMISSIONERATE:
        return unit.parent_id
    return unit.pk


def station_keys(station):
    return {names.key(n) for n in (station.name_en, station.name_hi, *(station.alt_names or [])) if n}


def find(unit, name, *, exclude=None):
    """The station of the unit's family one of whose names is this name (any case, any nukta), or None."""
    wanted = names.key(name)
    if not wanted:
        return None
    qs = PoliceStation.objects.filter(unit_id__in=family_ids(unit)).select_related("unit")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return next((s for s in qs if wanted in station_keys(s)), None)


def _check_unit(unit):
    if not keeps_stations(unit):
        raise ValidationError(_("Only a district or a commissionerate keeps police stations."), code="unit_type")


def _check_free(unit, name, exclude=None):
    clash = find(unit, name, exclude=exclude)
    if clash is not None:
        raise ValidationError(
            _("%(unit)s already has a police station called “%(name)s” (%(station)s)."), code="duplicate",
            params={"unit": clash.unit, "name": name, "station": clash.name_en})


def _required(value, label):
    value = names.clean(value)
    if not value:
        raise ValidationError(_("%(field)s is required.") % {"field": label}, code="required")
    return value


@transaction.atomic
def add_station(unit, *, name_en, name_hi="", alt_names=(), actor=None):
    _check_unit(unit)
    name_en, name_hi = _required(name_en, _("English name")), names.clean(name_hi)
    alternates = names.unique(alt_names, leave_out=(name_en, name_hi))
    for name in (name_en, name_hi, *alternates):
        if name:
            _check_free(unit, name)
    station = PoliceStation.objects.create(unit=unit, name_en=name_en, name_hi=name_hi, alt_names=alternates)
    CellEvent.record(unit, CellAction.STATION_ADDED, actor, name_en, station=station.pk, name_hi=name_hi)
    return station


@transaction.atomic
def rename_station(station, *, name_en, name_hi="", actor=None):
    """The new names become the station's; the old ones stay as alternates (triage and search still know
    them)."""
    station = PoliceStation.objects.select_for_update().select_related("unit").get(pk=station.pk)
    name_en, name_hi = _required(name_en, _("English name")), names.clean(name_hi)
    old_en, old_hi = station.name_en, station.name_hi
    if name_en == old_en and name_hi == old_hi:
        return station
    for name in (name_en, name_hi):
        if name:
            _check_free(station.unit, name, exclude=station)
    station.alt_names = names.unique([*(station.alt_names or []), old_en, old_hi], leave_out=(name_en, name_hi))
    station.name_en, station.name_hi = name_en, name_hi
    station.save(update_fields=["name_en", "name_hi", "alt_names"])
    CellEvent.record(station.unit, CellAction.STATION_RENAMED, actor, name_en, station=station.pk,
                     old_en=old_en, old_hi=old_hi, name_hi=name_hi)
    return station


@transaction.atomic
def set_active(station, active, *, actor=None):
    """Retire (active=False) or restore a station. Nothing is deleted."""
    station = PoliceStation.objects.select_for_update().select_related("unit").get(pk=station.pk)
    if station.is_active == active:
        return station
    if active:
        for name in (station.name_en, station.name_hi):
            if name:  # a station added under its name while this one was retired
                clash = find(station.unit, name, exclude=station)
                if clash is not None and clash.is_active:
                    _check_free(station.unit, name, exclude=station)
    station.is_active = active
    station.save(update_fields=["is_active"])
    action = CellAction.STATION_RESTORED if active else CellAction.STATION_RETIRED
    CellEvent.record(station.unit, action, actor, station.name_en, station=station.pk)
    return station
