"""HQ's directory of every unit's cell: contacts, when each list was last confirmed and by whom, the stale
ones first; a reminder ("chase") to a stale unit, CSV/XLSX of the directory, and the police-stations
import. HQ only (403 for anyone else)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from complaints import dates
from districts import cell, station_import
from districts.models import CellAction, CellEvent, Unit
from districts.phones import show_cug

from .. import exports, roles
from ..cell_forms import StationImportForm
from .common import redirect_next, staff_required

SORT_LABELS = {
    "confirmed": gettext_lazy("Stalest first"), "-confirmed": gettext_lazy("Latest confirmed first"),
    "name": gettext_lazy("Name"), "type": gettext_lazy("Type"), "contacts": gettext_lazy("Fewest contacts"),
    "chased": gettext_lazy("Latest reminder first"),
}
RECENT_IMPORTS = 10


def _sort(request):
    sort = request.GET.get("sort", "confirmed")
    return sort if sort in cell.SORTS else "confirmed"


def _page(request, *, import_form=None, import_errors=None, status=200):
    sort, only_stale = _sort(request), request.GET.get("stale") == "1"
    rows = cell.directory(sort=sort, only_stale=only_stale)
    return render(request, "dashboard/directory.html", {
        "rows": rows, "sort": sort, "sorts": SORT_LABELS, "only_stale": only_stale,
        "stale_count": sum(1 for r in rows if r.is_stale), "stale_days": cell.stale_days(),
        "import_form": import_form or StationImportForm(), "import_errors": import_errors or [],
        "imports": CellEvent.objects.filter(action=CellAction.STATIONS_IMPORTED).select_related("unit")[
            :RECENT_IMPORTS],
    }, status=status)


@never_cache
@staff_required(roles.is_hq)
def directory(request):
    return _page(request)


@require_POST
@staff_required(roles.is_hq)
def chase(request, slug):
    unit = get_object_or_404(Unit, slug=slug, is_active=True)
    url = request.build_absolute_uri(reverse("dashboard:cell", args=[unit.slug]))
    entry = cell.chase(unit, actor=request.user, page_url=url, show_time=dates.ist)
    name = unit.display_name()
    if entry.data["sent"]:
        messages.success(request, ngettext(
            "Reminder to %(unit)s recorded and e-mailed to %(n)d contact.",
            "Reminder to %(unit)s recorded and e-mailed to %(n)d contacts.", entry.data["recipients"])
            % {"unit": name, "n": entry.data["recipients"]})
    elif entry.data["error"]:
        messages.error(request, _("Reminder to %(unit)s recorded, but the e-mail could not be sent: %(error)s")
                       % {"unit": name, "error": entry.data["error"]})
    else:
        messages.warning(request, _("Reminder to %(unit)s recorded; no contact of the unit has an e-mail: call "
                                    "the cell.") % {"unit": name})
    return redirect_next(request, reverse("dashboard:directory"))


@require_POST
@staff_required(roles.is_hq)
def import_stations(request):
    form = StationImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, import_form=form, status=400)
    try:
        result = station_import.apply(form.cleaned_data["file"].read(), actor=request.user)
    except station_import.ImportRefused as exc:
        return _page(request, import_form=form, import_errors=exc.errors, status=400)
    messages.success(request, _("Police stations imported: %(created)d added, %(updated)d completed with "
                                "other names, %(unchanged)d already as in the file.")
                     % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged})
    return redirect("dashboard:directory")


COLUMNS = [
    gettext_lazy("Unit"), gettext_lazy("Unit (Hindi)"), gettext_lazy("Type"), gettext_lazy("Last confirmed (IST)"),
    gettext_lazy("Confirmed by"), gettext_lazy("Stale"), gettext_lazy("Last reminder (IST)"),
    gettext_lazy("Staff name"), gettext_lazy("Designation"), gettext_lazy("CUG number"), gettext_lazy("E-mail"),
    gettext_lazy("Shift"),
]


def _rows(units):
    yield [str(c) for c in COLUMNS]
    for unit in units:
        head = [unit.name_en, unit.name_hi, unit.get_unit_type_display(), unit.confirmed_at, unit.confirmed_by,
                _("yes") if unit.is_stale else _("no"), unit.chased_at]
        for contact in unit.current_contacts or [None]:
            yield head + ([contact.staff_name, contact.designation, show_cug(contact.cug_number, national=True), contact.email,
                           contact.get_shift_display()] if contact else ["", "", "", "", ""])


@never_cache
@staff_required(roles.is_hq)
def export(request, fmt):
    units = cell.directory(sort=_sort(request), only_stale=request.GET.get("stale") == "1")
    if fmt == "xlsx":
        return exports.xlsx_response(_rows(units), "cell-directory", title="cells")
    return exports.csv_response(_rows(units), "cell-directory")
