"""Filters of the complaints list. Dates are whole days in IST (django-filter makes the day bounds
aware in the current time zone)."""

import django_filters as df
from django.utils.translation import gettext_lazy as _

from complaints.models import Category, Complaint, Priority, Status, overdue_q
from complaints.search import text_search
from districts.models import Unit


class ComplaintFilter(df.FilterSet):
    status = df.MultipleChoiceFilter(choices=Status.choices, distinct=False, help_text=_("One or more statuses (repeat the parameter)."))
    unit = df.ModelChoiceFilter(
        queryset=Unit.objects.all(), to_field_name="slug", method="filter_unit",
        help_text=_("Unit slug; includes the units below it."),
    )
    category = df.ModelChoiceFilter(queryset=Category.objects.all(), to_field_name="slug", field_name="category")
    priority = df.MultipleChoiceFilter(choices=Priority.choices, distinct=False)
    received = df.DateFromToRangeFilter(field_name="received_at", help_text=_("received_after / received_before (IST dates)."))
    noted = df.BooleanFilter(method="filter_noted", help_text=_("true: noted; false: not yet noted."))
    noted_on = df.DateFromToRangeFilter(field_name="noted_at", help_text=_("noted_on_after / noted_on_before (IST dates)."))
    resolved = df.DateFromToRangeFilter(field_name="resolved_at", help_text=_("resolved_after / resolved_before (IST dates)."))
    overdue = df.BooleanFilter(method="filter_overdue", help_text=_("true: open and past its next deadline."))
    q = df.CharFilter(method="filter_search", max_length=200, help_text=_("A tracking code, an @handle or words of the text."))

    class Meta:
        model = Complaint
        fields = []

    def filter_unit(self, queryset, name, value):
        return queryset.filter(unit_id__in=value.subtree_ids()) if value else queryset

    def filter_noted(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(noted_at__isnull=not value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_search(self, queryset, name, value):
        # One search for the dashboard and the API: a code, an @handle, or words (full-text and trigram
        # indexes on PostgreSQL, a plain fallback elsewhere).
        return text_search(queryset, value or "")
