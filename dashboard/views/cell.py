"""A unit's cell page: its staff contacts and their confirmation, and (for a district or commissionerate) its
police stations. Who may read and change it is complaints.scoping's (can_view_cell, can_manage_cell): a
login that may not read it gets 404, one that may read but not change it gets 403 on a change. The rules
and the record are districts.cell and districts.stations."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from complaints import scoping
from districts import cell, stations
from districts.models import CellAction, CellContact, CellEvent, PoliceStation, Unit

from .. import roles
from ..cell_forms import ContactForm, RenameForm, StationForm
from .common import staff_required

RECENT_ENTRIES = 30


def _unit(request, slug, *, change=False):
    unit = get_object_or_404(Unit.objects.select_related("parent"), slug=slug, is_active=True)
    if not scoping.can_view_cell(request.user, unit):
        raise Http404
    if change and not scoping.can_manage_cell(request.user, unit):
        raise PermissionDenied
    return unit


def _page(request, unit, *, status=200, bound=None):
    """The page; `bound` is {form key: bound form with errors} to show in place of a blank one."""
    bound = bound or {}
    can_change = scoping.can_manage_cell(request.user, unit)
    contacts = list(cell.contacts(unit))
    for contact in contacts:
        contact.form = bound.get(f"contact-{contact.pk}") or ContactForm(instance=contact, prefix=f"c{contact.pk}")
    station_rows = []
    if stations.keeps_stations(unit):
        station_rows = list(PoliceStation.objects.filter(unit_id__in=stations.family_ids(unit))
                            .select_related("unit").order_by("-is_active", "name_en"))
        for station in station_rows:
            station.form = bound.get(f"rename-{station.pk}") or RenameForm(
                initial={"name_en": station.name_en, "name_hi": station.name_hi}, prefix=f"s{station.pk}")
    confirmed = CellEvent.objects.filter(unit=unit, action=CellAction.CONFIRMED).first()
    stale = confirmed is None or cell.is_stale(confirmed.created_at)
    return render(request, "dashboard/cell.html", {
        "unit": unit, "can_change": can_change, "contacts": contacts, "confirmed": confirmed, "stale": stale,
        "stale_days": cell.stale_days(), "keeps_stations": stations.keeps_stations(unit), "stations": station_rows,
        "contact_form": bound.get("contact-new") or ContactForm(prefix="new"),
        "station_form": bound.get("station-new") or StationForm(prefix="station"),
        "entries": CellEvent.objects.filter(unit=unit)[:RECENT_ENTRIES], "error": bound.get("error"),
    }, status=status)


@staff_required(roles.is_cell)
def mine(request):
    """The menu's link for a cell: its own unit's page."""
    return redirect("dashboard:cell", slug=roles.profile(request.user).unit.slug)


@never_cache
@staff_required()
def page(request, slug):
    return _page(request, _unit(request, slug))


def _refused(request, unit, exc, key=None, form=None):
    if form is not None:
        form.add_error(None, exc)
        return _page(request, unit, status=400, bound={key: form})
    return _page(request, unit, status=400, bound={"error": " ".join(exc.messages)})


def _done(request, unit, message):
    messages.success(request, message)
    return redirect("dashboard:cell", slug=unit.slug)


@require_POST
@staff_required()
def contact_add(request, slug):
    unit = _unit(request, slug, change=True)
    form = ContactForm(request.POST, prefix="new")
    if not form.is_valid():
        return _page(request, unit, status=400, bound={"contact-new": form})
    try:
        contact = cell.add_contact(unit, form.cleaned_data, actor=request.user)
    except ValidationError as exc:
        return _refused(request, unit, exc, "contact-new", form)
    return _done(request, unit, _("%(name)s added to the cell's contacts.") % {"name": contact.staff_name})


@require_POST
@staff_required()
def contact_edit(request, slug, pk):
    unit = _unit(request, slug, change=True)
    contact = get_object_or_404(CellContact, pk=pk, unit=unit, is_active=True)
    form = ContactForm(request.POST, instance=CellContact.objects.get(pk=contact.pk), prefix=f"c{pk}")
    if not form.is_valid():
        return _page(request, unit, status=400, bound={f"contact-{pk}": form})
    try:
        contact = cell.change_contact(contact, form.cleaned_data, actor=request.user)
    except ValidationError as exc:
        return _refused(request, unit, exc, f"contact-{pk}", form)
    return _done(request, unit, _("%(name)s's details saved.") % {"name": contact.staff_name})


@require_POST
@staff_required()
def contact_remove(request, slug, pk):
    unit = _unit(request, slug, change=True)
    contact = get_object_or_404(CellContact, pk=pk, unit=unit)
    cell.remove_contact(contact, actor=request.user)
    return _done(request, unit, _("%(name)s removed from the cell's contacts.") % {"name": contact.staff_name})


@require_POST
@staff_required()
def confirm(request, slug):
    unit = _unit(request, slug, change=True)
    try:
        cell.confirm(unit, actor=request.user)
    except ValidationError as exc:
        return _refused(request, unit, exc)
    return _done(request, unit, _("Recorded: the contact list is current."))


def _station(unit, pk):
    return get_object_or_404(PoliceStation, pk=pk, unit_id__in=stations.family_ids(unit))


@require_POST
@staff_required()
def station_add(request, slug):
    unit = _unit(request, slug, change=True)
    form = StationForm(request.POST, prefix="station")
    if not form.is_valid():
        return _page(request, unit, status=400, bound={"station-new": form})
    try:
        station = stations.add_station(unit, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _refused(request, unit, exc, "station-new", form)
    return _done(request, unit, _("Police station %(name)s added.") % {"name": station.name_en})


@require_POST
@staff_required()
def station_rename(request, slug, pk):
    unit = _unit(request, slug, change=True)
    station = _station(unit, pk)
    form = RenameForm(request.POST, prefix=f"s{pk}")
    if not form.is_valid():
        return _page(request, unit, status=400, bound={f"rename-{pk}": form})
    old = station.name_en
    try:
        station = stations.rename_station(station, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _refused(request, unit, exc, f"rename-{pk}", form)
    return _done(request, unit, _("Police station %(old)s is now %(new)s; the old name still finds it.")
                 % {"old": old, "new": station.name_en})


@require_POST
@staff_required()
def station_retire(request, slug, pk):
    unit = _unit(request, slug, change=True)
    station = stations.set_active(_station(unit, pk), False, actor=request.user)
    return _done(request, unit, _("Police station %(name)s retired: kept for its complaints, not offered for new "
                                  "ones.") % {"name": station.name_en})


@require_POST
@staff_required()
def station_restore(request, slug, pk):
    unit = _unit(request, slug, change=True)
    try:
        station = stations.set_active(_station(unit, pk), True, actor=request.user)
    except ValidationError as exc:
        return _refused(request, unit, exc)
    return _done(request, unit, _("Police station %(name)s restored.") % {"name": station.name_en})
