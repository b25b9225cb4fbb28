"""The dashboard's filter form over the complaints a user may see; the words of the search are
complaints.search's, shared with the API."""

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints import stats
from complaints.models import Category, Status
from complaints.search import text_search
from districts.models import Unit


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Code, @handle or words"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status"))] + Status.choices)
    unit = forms.SlugField(label=_("Unit (with the units below)"), required=False, max_length=80)
    category = forms.SlugField(label=_("Category"), required=False, max_length=50)
    date_from = forms.DateField(label=_("Received from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    not_noted = forms.BooleanField(label=_("Not yet noted"), required=False)

    def clean_unit(self):
        slug = self.cleaned_data["unit"]
        if slug and not Unit.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("No unit has this short name."))
        return slug

    def clean_category(self):
        slug = self.cleaned_data["category"]
        if slug and not Category.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("No category has this short name."))
        return slug

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def apply(qs, data):
    """Narrow a (scoped) queryset by a valid FilterForm's cleaned_data."""
    qs = text_search(qs, data.get("q") or "")
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("unit"):
        unit = Unit.objects.get(slug=data["unit"])
        qs = qs.filter(unit_id__in=unit.subtree_ids())
    if data.get("category"):
        qs = qs.filter(category__slug=data["category"])
    if data.get("date_from"):
        qs = qs.filter(received_at__gte=stats.period_bounds(data["date_from"], data["date_from"])[0])
    if data.get("date_to"):
        qs = qs.filter(received_at__lt=stats.period_bounds(data["date_to"], data["date_to"])[1])
    if data.get("overdue"):
        qs = qs.overdue()
    if data.get("not_noted"):
        qs = qs.filter(status__in=[Status.FORWARDED, Status.TRANSFERRED], noted_at__isnull=True)
    return qs
