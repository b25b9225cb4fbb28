"""HQ's admin for complaints. Reads go through the scoping function; every change goes through the
lifecycle module (admin actions), never through a model form."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from districts.admin import ReadOnlyAdmin
from districts.models import Unit

from . import lifecycle, redaction, scoping
from .models import Category, Complaint, EscalationStep, Event, LexiconTerm, Message


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_hi", "slug", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name_en", "name_hi", "slug")
    prepopulated_fields = {"slug": ("name_en",)}


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ("created_at", "kind", "author_username", "unit", "text", "tweet_id", "needs_attention")
    readonly_fields = fields


def event_details(obj):
    """An event's data without other complaints' codes: a merge's target or a re-filing may be a
    complaint the reader may not see, and a read-only admin field cannot ask who is reading."""
    return redaction.without_codes(obj.data)


event_details.short_description = _("details")


class EventInline(ReadOnlyInline):
    model = Event
    fields = ("created_at", "action", "from_status", "to_status", "actor_name", "unit", "note", "data")
    readonly_fields = fields

    def get_fields(self, request, obj=None):
        return _event_fields(request, self.fields)

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


def _event_fields(request, fields):
    """Whoever sees every complaint reads events' data whole; others without other complaints' codes."""
    if scoping.sees_all_restricted(request.user):
        return fields
    return tuple(event_details if f == "data" else f for f in fields)


class ComplaintActionForm(ActionForm):
    unit = forms.ModelChoiceField(queryset=Unit.objects.routable(), required=False, label="Unit")
    into = forms.CharField(required=False, label="Merge into (code)", max_length=32)
    text = forms.CharField(required=False, label="Report / reason", max_length=280)


class ComplaintAddForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = ("channel", "text", "source_tweet_id", "author_username", "author_name", "author_contact",
                  "language", "tweeted_at", "priority", "category")

    def validate_unique(self):
        """The lifecycle decides about a tweet already filed: the form's own check would say "already
        exists" even for a complaint this user may not see."""


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("tracking_code", "status", "unit", "category", "priority", "author_username", "received_at",
                    "noted_at")
    list_filter = ("status", "priority", "category", "channel", "is_restricted", ("unit", admin.RelatedOnlyFieldListFilter),
                   "received_at")
    search_fields = ("tracking_code", "author_username", "author_name", "text", "source_tweet_id")
    date_hierarchy = "received_at"
    list_select_related = ("unit", "category")
    inlines = [MessageInline, EventInline]
    action_form = ComplaintActionForm
    actions = ["forward_action", "note_action", "resolve_action", "merge_action", "reject_action"]
    show_full_result_count = False

    def get_queryset(self, request):
        return scoping.visible_complaints(request.user, super().get_queryset(request))

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ComplaintAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ComplaintAddForm.Meta.fields
        names = [f.name for f in Complaint._meta.fields if f.name != "id"]
        # A duplicate_of or same_tweet_as the user may not see would show that complaint's code.
        refs = {name: getattr(obj, name) for name in ("duplicate_of", "same_tweet_as") if getattr(obj, f"{name}_id")}
        hidden = redaction.hidden_codes(request.user, [c.tracking_code for c in refs.values()])
        return [name for name in names if not (name in refs and refs[name].tracking_code in hidden)]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied("Complaints change only through their actions.")
        data = {f: form.cleaned_data.get(f) for f in ComplaintAddForm.Meta.fields}
        text = data.pop("text")
        channel = data.pop("channel")
        tweet_id = data.pop("source_tweet_id") or None
        data = {k: v for k, v in data.items() if v not in (None, "")}
        try:
            created = lifecycle.file_complaint(text=text, channel=channel, source_tweet_id=tweet_id, actor=request.user, **data)
        except lifecycle.LifecycleError as exc:
            raise PermissionDenied(str(exc)) from exc
        obj.pk = created.pk
        obj.tracking_code = created.tracking_code

    def save_related(self, request, form, formsets, change):
        """Nothing to save: the complaint was filed by the lifecycle and inlines are read-only."""

    def _run(self, request, queryset, label, fn):
        done = 0
        for complaint in queryset:
            try:
                fn(complaint)
                done += 1
            except (lifecycle.LifecycleError, PermissionDenied) as exc:
                self.message_user(request, f"{complaint.tracking_code}: {exc}", messages.ERROR)
        if done:
            self.message_user(request, f"{label}: {done} complaint(s).", messages.SUCCESS)

    @admin.action(description="Forward to the chosen unit")
    def forward_action(self, request, queryset):
        unit = Unit.objects.filter(pk=request.POST.get("unit") or None).first()
        if unit is None:
            self.message_user(request, "Choose the unit to forward to.", messages.ERROR)
            return
        self._run(request, queryset, f"Forwarded to {unit}", lambda c: lifecycle.forward(c, unit, actor=request.user))

    @admin.action(description="Mark noted (by the complaint's unit)")
    def note_action(self, request, queryset):
        self._run(request, queryset, "Marked noted", lambda c: lifecycle.note(c, by_unit=c.unit, actor=request.user))

    @admin.action(description="Resolve (with the report typed beside the action)")
    def resolve_action(self, request, queryset):
        text = request.POST.get("text", "").strip() or None
        self._run(request, queryset, "Resolved", lambda c: lifecycle.resolve(c, report=text, actor=request.user))

    @admin.action(description="Merge into the complaint whose code is typed beside the action")
    def merge_action(self, request, queryset):
        into = request.POST.get("into", "").strip()
        if not into:
            self.message_user(request, "Type the code of the complaint to merge into.", messages.ERROR)
            return
        self._run(request, queryset, f"Merged into {into}", lambda c: lifecycle.merge(c, into, actor=request.user))

    @admin.action(description="Reject as not a complaint (reason typed beside the action)")
    def reject_action(self, request, queryset):
        reason = request.POST.get("text", "")
        self._run(request, queryset, "Rejected", lambda c: lifecycle.reject(c, reason, actor=request.user))


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The audit trail, for reading only."""

    list_display = ("created_at", "complaint", "action", "from_status", "to_status", "actor_name", "unit")
    list_filter = ("action", "to_status")
    search_fields = ("complaint__tracking_code", "actor_name", "note")
    list_select_related = ("complaint", "unit")

    def get_queryset(self, request):
        visible = scoping.visible_complaints(request.user)
        return super().get_queryset(request).filter(complaint__in=visible)

    def get_fields(self, request, obj=None):
        return _event_fields(request, [f.name for f in Event._meta.fields if f.name != "id"])

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


@admin.register(LexiconTerm)
class LexiconTermAdmin(admin.ModelAdmin):
    """HQ's additions to the triage lexicon (fixtures/triage/lexicon.csv holds the reviewed base): a row
    adds a term or, unticked, switches off the reviewed term with the same words and class. The desk
    reads the change at once in this process and within TRIAGE_RECHECK_SECONDS in the others."""

    list_display = ("term", "term_class", "language", "requires", "is_active", "source", "updated_at")
    list_filter = ("term_class", "language", "is_active")
    search_fields = ("term", "source", "requires")
    list_editable = ("is_active",)
    fields = ("term", "term_class", "language", "requires", "source", "is_active")


@admin.register(EscalationStep)
class EscalationStepAdmin(admin.ModelAdmin):
    """HQ sets how long each level of the escalation ladder has before the next one is told."""

    list_display = ("level", "minutes")
    list_editable = ("minutes",)
