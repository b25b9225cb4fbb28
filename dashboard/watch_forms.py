"""The watch editor's form: the words as text areas (one per line or comma-separated), the unit, the cap."""

from django import forms
from django.utils.translation import gettext_lazy as _

from districts.models import Unit

LANGUAGES = (("hi", _("Hindi")), ("en", _("English")))


def _terms(text):
    parts = []
    for line in (text or "").replace("،", ",").splitlines():
        parts.extend(p.strip() for p in line.split(","))
    seen, out = set(), []
    for part in parts:
        term = " ".join(part.replace('"', " ").split())
        if term and term.casefold() not in seen:
            seen.add(term.casefold())
            out.append(term)
    return out


class WatchForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("Name"), max_length=120)
    place_terms = forms.CharField(label=_("Place names (district, towns, police stations)"), widget=forms.Textarea(
        attrs={"rows": 6}), required=False, help_text=_("One per line or separated by commas; Hindi, English and "
                                                         "Hinglish spellings."))
    incident_terms = forms.CharField(label=_("Incident words"), widget=forms.Textarea(attrs={"rows": 6}),
                                     required=False)
    languages = forms.MultipleChoiceField(label=_("Only posts in"), choices=LANGUAGES, required=False,
                                          widget=forms.CheckboxSelectMultiple,
                                          help_text=_("None ticked: every language (X tags Hinglish either way)."))
    exclude_terms = forms.CharField(label=_("Leave out posts with these words"), widget=forms.Textarea(
        attrs={"rows": 2}), required=False)
    exclude_accounts = forms.CharField(label=_("Leave out posts from these accounts"), required=False,
                                       help_text=_("X handles, e.g. the unit's own account."))
    monthly_cap = forms.IntegerField(label=_("Monthly cap (posts read)"), min_value=10, max_value=3_000_000)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()

    def watch_data(self):
        data = dict(self.cleaned_data)
        for key in ("place_terms", "incident_terms", "exclude_terms"):
            data[key] = _terms(data[key])
        data["exclude_accounts"] = [h.lstrip("@") for h in _terms(data["exclude_accounts"].replace(" ", ","))]
        data["languages"] = list(data["languages"])
        return data

    @staticmethod
    def initial_of(watch):
        return {"unit": watch.unit_id, "name": watch.name, "place_terms": "\n".join(watch.place_terms),
                "incident_terms": "\n".join(watch.incident_terms), "languages": watch.languages,
                "exclude_terms": "\n".join(watch.exclude_terms),
                "exclude_accounts": ", ".join(watch.exclude_accounts), "monthly_cap": watch.monthly_cap,
                "is_active": watch.is_active}
