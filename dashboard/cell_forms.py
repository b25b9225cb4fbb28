"""Forms of the cell page (contacts, police stations) and of HQ's directory (the stations import). They
check what a person typed; the rules and the record are districts.cell and districts.stations."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from districts import names
from districts.models import CellContact
from districts.phones import parse_cug

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class ContactForm(forms.ModelForm):
    class Meta:
        model = CellContact
        fields = ["staff_name", "designation", "cug_number", "email", "shift"]
        widgets = {
            "cug_number": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {"cug_number": _("An Indian number, e.g. 94544 05120 or +91 94544 05120.")}

    def clean_cug_number(self):
        value = self.cleaned_data.get("cug_number", "")
        return parse_cug(value) if value else ""


class StationForm(forms.Form):
    name_en = forms.CharField(label=_("Name (English)"), max_length=120)
    name_hi = forms.CharField(label=_("Name (Hindi)"), max_length=120, required=False)
    alt_names = forms.CharField(label=_("Other names"), max_length=500, required=False,
                                help_text=_("Other spellings people write, separated by “;”."))

    def clean_alt_names(self):
        return names.split_alternates(self.cleaned_data.get("alt_names"))


class RenameForm(forms.Form):
    name_en = forms.CharField(label=_("New name (English)"), max_length=120)
    name_hi = forms.CharField(label=_("New name (Hindi)"), max_length=120, required=False)


class StationImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file of police stations"),
                           help_text=_("Columns: district, name_en, name_hi, alternates (separated by “;”). "
                                       "UTF-8, with or without a byte-order mark."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 2 MB: split it."), code="too_big")
        return upload
