"""Forms of the dashboard. Each action form carries the complaint's version (hidden), so a page that is
out of date is told so instead of overwriting a newer change."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.lifecycle import REPORT_MAX
from complaints.models import Category, Channel, Outcome, Priority, Status
from districts.models import PoliceStation

from .models import CannedReply

TWEET_URL = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:x|twitter)\.com/(?:(?P<user>[A-Za-z0-9_]{1,15})|i/web)/status(?:es)?/"
    r"(?P<id>\d{1,20})(?:[/?#].*)?$"
)


def tweet_from_url(url):
    """(tweet id, author handle) from a tweet's address, or None when it is not one."""
    match = TWEET_URL.match((url or "").strip())
    if not match or int(match.group("id")) >= 2**64:
        return None
    return match.group("id"), match.group("user") or ""


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    next = forms.CharField(widget=forms.HiddenInput, required=False)


def category_choices(blank=True):
    choices = [(c.slug, c.name_en) for c in Category.objects.filter(is_active=True)]
    return ([("", "—")] if blank else []) + choices


UNIT_INPUT = forms.TextInput(attrs={"list": "unit-list", "autocomplete": "off"})


class UnitNameField(forms.CharField):
    """A unit by its English or Hindi name, an alternate name or its slug (unit_names.resolve); cleans to
    the Unit. A name that fits no unit, or several, is refused with the closest names to pick from."""

    def __init__(self, **kwargs):
        super().__init__(widget=UNIT_INPUT, **kwargs)

    def to_python(self, value):
        from .unit_names import label, resolve

        value = super().to_python(value)
        if not value:
            return value
        if len(value) > 120:
            raise forms.ValidationError(_("A unit's name is at most 120 characters."), code="max_length")
        found, close = resolve(value)
        if found is not None:
            return found
        if close:
            raise forms.ValidationError(
                _("“%(typed)s” is not one unit's name. Did you mean: %(close)s?"),
                params={"typed": value, "close": "; ".join(label(u) for u in close)}, code="unit_unclear")
        raise forms.ValidationError(_("Unknown unit “%(typed)s”: type its name in English or Hindi and pick it "
                                      "from the list."), params={"typed": value}, code="unit_unknown")

    def prepare_value(self, value):
        return value.name_en if hasattr(value, "name_en") else value


class ForwardForm(VersionedForm):
    unit = UnitNameField(label=_("Unit"))
    category = forms.ChoiceField(label=_("Category"), required=False)
    priority = forms.ChoiceField(label=_("Priority"), required=False, choices=[("", "—")] + Priority.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()


class RejectForm(VersionedForm):
    reason = forms.CharField(label=_("Why this is not a complaint"), max_length=280)


class NotedForm(VersionedForm):
    tweet_id = forms.RegexField(label=_("Tweet id of the unit's Noted reply (if tweeted by hand)"),
                                regex=r"^\d{1,20}$", required=False)


class StationForm(VersionedForm):
    police_station = forms.TypedChoiceField(label=_("Police station"), coerce=int)

    def __init__(self, *args, unit_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        stations = PoliceStation.objects.filter(unit_id__in=unit_ids, is_active=True).order_by("name_en")
        self.fields["police_station"].choices = [("", "—")] + [(s.pk, s.name_en) for s in stations]


class ReportForm(VersionedForm):
    text = forms.CharField(
        label=_("Action-taken report"), max_length=REPORT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REPORT_MAX, "data-counter": REPORT_MAX}),
    )


class ResolveForm(VersionedForm):
    report = forms.CharField(
        label=_("Action-taken report (if not filed yet)"), max_length=REPORT_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REPORT_MAX, "data-counter": REPORT_MAX}),
    )


class ApproveReportForm(VersionedForm):
    note = forms.CharField(label=_("Remark (optional, internal)"), max_length=280, required=False)


class ReturnReportForm(VersionedForm):
    reason = forms.CharField(label=_("What the cell should change"), max_length=280,
                             widget=forms.Textarea(attrs={"rows": 2, "maxlength": 280}))


class CloseForm(VersionedForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—")] + Outcome.choices)
    fir_number = forms.CharField(label=_("FIR number"), max_length=40, required=False)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.FIR and not (data.get("fir_number") or "").strip():
            self.add_error("fir_number", _("An FIR outcome needs the FIR number."))
        return data


class TransferForm(VersionedForm):
    unit = UnitNameField(label=_("Transfer to unit"))
    reason = forms.CharField(label=_("Reason"), max_length=280, required=False)


class RequestTransferForm(VersionedForm):
    reason = forms.CharField(label=_("Why this is not ours, and whose it is"), max_length=280)


class CategoryForm(VersionedForm):
    category = forms.ChoiceField(label=_("Class"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices(blank=False)


class PriorityForm(VersionedForm):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class RestrictedForm(VersionedForm):
    restricted = forms.BooleanField(label=_("Restricted (sensitive)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=280, required=False)


class NoteTextForm(VersionedForm):
    text = forms.CharField(label=_("Internal note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class NudgeForm(VersionedForm):
    note = forms.CharField(label=_("Message to the unit"), max_length=280, required=False)


class Dial112Form(VersionedForm):
    reference = forms.CharField(label=_("112's reference number (if they gave one)"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class MergeForm(VersionedForm):
    into = forms.CharField(label=_("Tracking code of the complaint that carries on"), max_length=30)


class ReopenForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), max_length=280)


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(label=_("Received by"), choices=Channel.choices)
    tweet_url = forms.CharField(label=_("Tweet address (for a tweet)"), required=False, max_length=300)
    text = forms.CharField(label=_("Complaint text"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    author_name = forms.CharField(label=_("Complainant's name"), required=False, max_length=100)
    author_username = forms.RegexField(label=_("X handle"), regex=r"^@?[A-Za-z0-9_]{1,15}$", required=False)
    author_contact = forms.CharField(label=_("Phone or address (never tweeted)"), required=False, max_length=200)
    author_location = forms.CharField(label=_("Place"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        url = (data.get("tweet_url") or "").strip()
        data["tweet"] = None
        if data.get("channel") == Channel.X:
            if not url:
                self.add_error("tweet_url", _("Paste the tweet's address."))
            else:
                data["tweet"] = tweet_from_url(url)
                if data["tweet"] is None:
                    self.add_error("tweet_url", _("This is not the address of a tweet."))
        elif url:
            self.add_error("tweet_url", _("Only a complaint received on X has a tweet address."))
        if data.get("author_username"):
            data["author_username"] = data["author_username"].lstrip("@")
        return data


class CannedReplyForm(forms.ModelForm):
    class Meta:
        model = CannedReply
        fields = ["title", "category", "status", "text_en", "text_hi", "is_active"]
        widgets = {
            "text_en": forms.Textarea(attrs={"rows": 3, "maxlength": 280, "data-counter": 280}),
            "text_hi": forms.Textarea(attrs={"rows": 3, "maxlength": 280, "data-counter": 280}),
        }


class HandoverForm(forms.Form):
    SHIFTS = [("morning", _("Morning 08:00-16:00")), ("evening", _("Evening 14:00-22:00")),
              ("night", _("Night 22:00-08:00"))]
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    shift = forms.ChoiceField(label=_("Shift"), choices=SHIFTS)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            if data["start"] > data["end"]:
                self.add_error("end", _("The end date is before the start date."))
            elif (data["end"] - data["start"]).days > 366:
                self.add_error("end", _("Choose a period of at most a year."))
        return data


STATUS_LABELS = dict(Status.choices)
