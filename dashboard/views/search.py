"""Search and filters over the complaints a user may see, and their exports (same filters, same scope)."""

from django.shortcuts import render
from django.utils import timezone

from .. import exports, paging, search
from .common import staff_required, visible

PAGE = 50


def _filtered(request):
    form = search.FilterForm(request.GET or None)
    qs = visible(request)
    if form.is_bound and form.is_valid():
        qs = search.apply(qs, form.cleaned_data)
    elif form.is_bound:
        qs = qs.none()
    return form, qs


@staff_required()
def complaints(request):
    form, qs = _filtered(request)
    rows, after = paging.page(qs.select_related("unit", "category"), request.GET.get("before", ""), PAGE)
    query = request.GET.copy()
    query.pop("before", None)
    return render(request, "dashboard/search.html", {
        "form": form, "rows": rows, "after": after, "query": query.urlencode(), "now": timezone.now(),
    })


@staff_required()
def export(request, fmt):
    _form, qs = _filtered(request)
    name = f"complaints-{timezone.localtime():%Y%m%d-%H%M}"
    rows = exports.complaint_rows(qs)
    if fmt == "xlsx":
        return exports.xlsx_response(rows, name, title="complaints")
    return exports.csv_response(rows, name)
