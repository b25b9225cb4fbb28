"""Admin for the ingest's own rows. Mentions, poll runs and rejected input are read-only records; the
outbox offers "mark as sent" for rows staff posted by hand; credentials are write-only."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from complaints import reasons, scoping

from . import accounts, credentials, hold_reasons, outbox
from .models import (
    AccountCredential, AccountState, AccountSwitch, DuplicateSuggestion, GoodWorkPost, Mention, MentionedAccount,
    Outbox, OutboxStatus, PollRun, RejectedInput, ReplyTemplate, StreamState, UnitPostingPolicy, WatchedAccount,
)
from .textcount import weighted_length


class ScopedToComplaints:
    """Rows about a complaint the login may not see are left out: their codes, tweets and replies would
    tell that it exists. Rows about no complaint stay."""

    complaint_fields = ("complaint",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        visible = scoping.visible_complaints(request.user)
        for name in self.complaint_fields:
            queryset = queryset.filter(Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__in": visible}))
        return queryset


class ReasonShown:
    """The stored reason (a message code, complaints.reasons) in the reader's language."""

    @admin.display(description=_("reason"))
    def reason_shown(self, obj):
        return reasons.describe(obj.reason)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Mention)
class MentionAdmin(ScopedToComplaints, ReasonShown, ReadOnlyAdmin):
    list_display = ("tweet_id", "author_username", "outcome", "reason_shown", "complaint", "tweeted_at", "source")
    list_filter = ("outcome", "source")
    search_fields = ("tweet_id", "author_username", "conversation_id")
    date_hierarchy = "received_at"


@admin.register(PollRun)
class PollRunAdmin(ReadOnlyAdmin):
    list_display = ("account", "kind", "started_at", "fetched", "filed", "lag_seconds", "rate_limit_remaining",
                    "reached_800_cap", "error_shown")
    list_filter = ("kind", "reached_800_cap", "account")

    @admin.display(description=_("error"))
    def error_shown(self, obj):
        return reasons.describe(obj.error)


@admin.register(AccountState)
class AccountStateAdmin(admin.ModelAdmin):
    list_display = ("account", "since_id", "last_success_at", "paused_reason", "rate_limited_until", "failures")
    readonly_fields = ("last_poll_at", "last_success_at", "last_overlap_at", "paused_at", "failures",
                       "last_error_shown")
    fields = ("account", "user_id", "since_id", "paused_reason", "rate_limited_until", "retry_after",
              *readonly_fields)

    @admin.display(description=_("last error"))
    def last_error_shown(self, obj):
        return reasons.describe(obj.last_error)


@admin.register(RejectedInput)
class RejectedInputAdmin(ReasonShown, ReadOnlyAdmin):
    list_display = ("created_at", "source", "line", "reason_shown")
    search_fields = ("reason", "source")


@admin.register(GoodWorkPost)
class GoodWorkPostAdmin(ReadOnlyAdmin):
    list_display = ("tweeted_at", "handle", "unit", "text")
    list_filter = ("unit",)


@admin.register(DuplicateSuggestion)
class DuplicateSuggestionAdmin(ScopedToComplaints, admin.ModelAdmin):
    complaint_fields = ("complaint", "candidate")
    list_display = ("complaint", "candidate", "score", "reason", "dismissed")
    list_filter = ("dismissed",)
    readonly_fields = ("complaint", "candidate", "score", "reason", "created_at")


@admin.register(UnitPostingPolicy)
class UnitPostingPolicyAdmin(admin.ModelAdmin):
    list_display = ("unit", "forward_mode")
    autocomplete_fields = ("unit",)


class CredentialForm(forms.ModelForm):
    access_token = forms.CharField(label=_("access token"), required=False, widget=forms.PasswordInput)
    access_secret = forms.CharField(label=_("access token secret"), required=False, widget=forms.PasswordInput)

    class Meta:
        model = AccountCredential
        fields = ("account", "access_token", "access_secret")

    def clean(self):
        data = super().clean()
        # An empty field keeps the stored secret: it is never shown back.
        for name in ("access_token", "access_secret"):
            if not data.get(name) and self.instance.pk:
                data[name] = getattr(self.instance, name)
        return data


@admin.register(AccountCredential)
class AccountCredentialAdmin(admin.ModelAdmin):
    form = CredentialForm
    list_display = ("account", "is_set")

    @admin.display(boolean=True, description=_("set"))
    def is_set(self, obj):
        return obj.is_set


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ("key", "text_en", "text_hi", "is_active")


@admin.register(Outbox)
class OutboxAdmin(ScopedToComplaints, admin.ModelAdmin):
    list_display = ("created_at", "kind", "complaint", "account", "status", "attempts", "weight", "reason_held")
    list_filter = ("status", "kind")
    search_fields = ("complaint__tracking_code", "text", "posted_tweet_id")

    @admin.display(description=_("reason"))
    def reason_held(self, obj):
        return hold_reasons.describe(obj.reason)
    readonly_fields = ("kind", "complaint", "account", "in_reply_to_tweet_id", "idempotency_key", "attempts",
                       "posted_tweet_id", "sent_at", "marked_sent_by", "created_at", "claimed_at",
                       "failures", "lookback_from", "lookback_reads")
    fields = ("text", "status", "reason", "next_attempt_at", *readonly_fields)
    actions = ["mark_sent"]

    @admin.display(description=_("length"))
    def weight(self, obj):
        return weighted_length(obj.text)

    @admin.action(description=_("Mark as sent (posted by hand)"))
    def mark_sent(self, request, queryset):
        done = sum(outbox.mark_sent_by_hand(row, request.user) for row in queryset)
        messages.info(request, ngettext("%(n)d reply marked as sent.", "%(n)d replies marked as sent.", done) % {"n": done})

    def save_model(self, request, obj, form, change):
        # An edited held reply goes back to the queue, where it is checked again.
        if change and "text" in form.changed_data and obj.status == OutboxStatus.HELD:
            obj.status, obj.reason = OutboxStatus.PENDING, ""
            try:
                obj.text = outbox.vet(obj, obj.complaint)
            except outbox.Hold as hold:
                obj.status, obj.reason = OutboxStatus.HELD, hold.reason
        super().save_model(request, obj, form, change)


@admin.register(WatchedAccount)
class WatchedAccountAdmin(admin.ModelAdmin):
    """The accounts the ingest may poll. Polling is switched on and off with the actions (recorded with who
    did it); accounts are added and edited in the units registry's X accounts."""

    list_display = ("handle", "unit", "user_id", "watched", "is_active", "tokens", "token_variables")
    list_filter = ("watched", "is_active", "kind")
    search_fields = ("handle", "user_id", "unit__name_en")
    fields = ("handle", "unit", "kind", "user_id", "watched", "is_active", "tokens", "token_variables")
    readonly_fields = fields
    actions = ["switch_on", "switch_off"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("reads and posts as"))
    def tokens(self, obj):
        if credentials.has_own(obj):
            return _("itself")
        return _("the state account")

    @admin.display(description=_("tokens in the environment"))
    def token_variables(self, obj):
        return " / ".join(credentials.env_names(obj.handle))

    def _switch(self, request, queryset, on):
        done = 0
        for account in queryset:
            try:
                done += accounts.switch(account.pk, on, request.user)[1]
            except accounts.SwitchError as exc:
                messages.error(request, str(exc))
        messages.info(request, ngettext("%(n)d account switched.", "%(n)d accounts switched.", done) % {"n": done})

    @admin.action(description=_("Poll the mentions of these accounts"))
    def switch_on(self, request, queryset):
        self._switch(request, queryset, True)

    @admin.action(description=_("Stop polling the mentions of these accounts"))
    def switch_off(self, request, queryset):
        self._switch(request, queryset, False)


@admin.register(MentionedAccount)
class MentionedAccountAdmin(ReadOnlyAdmin):
    list_display = ("tweet_id", "account", "seen_at")
    list_filter = ("account",)
    search_fields = ("tweet_id",)


@admin.register(AccountSwitch)
class AccountSwitchAdmin(ReadOnlyAdmin):
    list_display = ("at", "account", "watched", "by")
    list_filter = ("watched", "account")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StreamState)
class StreamStateAdmin(ReadOnlyAdmin):
    """Written by the stream process only; HQ reads it in words on the ingest health page."""

    list_display = ("account", "connected_since", "last_event_at", "reconnects_total", "last_error_code", "updated_at")
