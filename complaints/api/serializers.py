"""JSON shapes of the API. Output serializers only read; action serializers only validate a request body
(the change itself is the lifecycle's). Times are ISO 8601 in IST (+05:30)."""

from datetime import datetime, timedelta, timezone as dt_timezone

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints import reasons, redaction
from complaints.media import TYPES as MEDIA_TYPES, visible_media
from complaints.models import Category, Channel, Complaint, Event, Message, Outcome, Priority, Status
from districts.models import Unit


TWITTER_EPOCH = datetime(2006, 3, 21, tzinfo=dt_timezone.utc)


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["slug", "name_en", "name_hi"]


class StationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name_en = serializers.CharField()
    name_hi = serializers.CharField()


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "name_en", "name_hi", "description", "order", "is_active"]


class ComplaintSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    unit = UnitRefSerializer(read_only=True, allow_null=True)
    suggested_unit = UnitRefSerializer(read_only=True, allow_null=True)
    noted_by = UnitRefSerializer(read_only=True, allow_null=True)
    police_station = StationRefSerializer(read_only=True, allow_null=True)
    suggested_station = StationRefSerializer(read_only=True, allow_null=True)
    language = serializers.CharField(read_only=True, help_text=_(
        "The language the desk answers in (hi or en), as it judged it from the words."))
    x_lang = serializers.CharField(read_only=True, help_text=_("X's own language tag (often in, und or qme for Hinglish)."))
    duplicate_of = serializers.SlugRelatedField(slug_field="tracking_code", read_only=True, allow_null=True)
    source_tweet_id = serializers.CharField(read_only=True, allow_null=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "tracking_code", "version", "status", "channel", "category", "priority", "urgent_terms",
            "is_restricted", "unit", "suggested_unit", "suggestion_reason", "suggestion_confidence",
            "suggested_station", "police_station", "source_tweet_id", "conversation_id", "author_username",
            "author_name", "author_location", "text", "language", "x_lang", "tweeted_at", "received_at", "forwarded_at", "noted_at",
            "noted_by", "noted_tweet_id", "resolved_at", "closed_at", "action_taken_report", "outcome",
            "fir_number", "rejection_reason", "duplicate_of", "sla_due_at", "escalated_at", "updated_at",
            "pending_report", "pending_resolution", "report_return_reason",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        return fast_complaint(instance, self.context.get("hidden_codes", ()))


def _iso(value):
    return timezone.localtime(value).isoformat() if value is not None else None


def _unit(unit):
    return {"slug": unit.slug, "name_en": unit.name_en, "name_hi": unit.name_hi} if unit is not None else None


def _station(station):
    return {"id": station.pk, "name_en": station.name_en, "name_hi": station.name_hi}


def fast_complaint(c, hidden_codes=()):
    """ComplaintSerializer's output written out by hand: the list serves 50 of these per page, and
    DRF's generic field machinery costs several times more. The declared fields stay the schema; the
    contract and schemathesis tests hold the two together. `hidden_codes` are codes of complaints the
    reader may not see (complaints.redaction): a duplicate_of among them reads as none."""
    duplicate_of = c.duplicate_of.tracking_code if c.duplicate_of_id else None
    station = c.police_station if c.police_station_id else None
    return {
        "tracking_code": c.tracking_code, "version": c.version, "status": c.status, "channel": c.channel,
        "category": c.category.slug if c.category_id else None, "priority": c.priority,
        "urgent_terms": c.urgent_terms, "is_restricted": c.is_restricted,
        "unit": _unit(c.unit) if c.unit_id else None,
        "suggested_unit": _unit(c.suggested_unit) if c.suggested_unit_id else None,
        "suggestion_reason": reasons.describe(c.suggestion_reason), "suggestion_confidence": c.suggestion_confidence,
        "suggested_station": _station(c.suggested_station) if c.suggested_station_id else None,
        "police_station": _station(station) if station else None,
        "source_tweet_id": c.filed_tweet_id, "conversation_id": c.conversation_id,
        "author_username": c.author_username, "author_name": c.author_name, "author_location": c.author_location,
        "text": c.text, "language": c.language, "x_lang": c.x_lang, "tweeted_at": _iso(c.tweeted_at), "received_at": _iso(c.received_at),
        "forwarded_at": _iso(c.forwarded_at), "noted_at": _iso(c.noted_at),
        "noted_by": _unit(c.noted_by) if c.noted_by_id else None, "noted_tweet_id": c.noted_tweet_id,
        "resolved_at": _iso(c.resolved_at), "closed_at": _iso(c.closed_at),
        "action_taken_report": c.action_taken_report, "outcome": c.outcome, "fir_number": c.fir_number,
        "rejection_reason": c.rejection_reason,
        "duplicate_of": duplicate_of if duplicate_of not in hidden_codes else None,
        "sla_due_at": _iso(c.sla_due_at), "escalated_at": _iso(c.escalated_at), "updated_at": _iso(c.updated_at),
        # Staff only (this serializer is never public): the report waiting for the supervising officer.
        "pending_report": c.pending_report, "pending_resolution": c.pending_resolution,
        "report_return_reason": c.report_return_reason,
    }


class MessageSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    tweet_id = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Message
        fields = ["id", "kind", "text", "tweet_id", "author_username", "unit", "created_at", "needs_attention"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = ["id", "action", "from_status", "to_status", "actor_name", "unit", "note", "data", "created_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["data"] = redaction.scrub(data["data"], self.context.get("hidden_codes", ()))
        data["note"] = reasons.describe(data["note"])
        return data


class MediaSerializer(serializers.Serializer):
    media_key = serializers.CharField(help_text=_("X's key of the photo or video."))
    type = serializers.ChoiceField(choices=MEDIA_TYPES)
    url = serializers.CharField(allow_blank=True, help_text=_("The photo on X's media host; empty for videos and GIFs."))
    preview_image_url = serializers.CharField(allow_blank=True, help_text=_("A video's or GIF's preview image on X's media host."))
    alt_text = serializers.CharField(allow_blank=True, help_text=_("The description the author gave on X."))
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)


class ComplaintDetailSerializer(ComplaintSerializer):
    messages = MessageSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    media = serializers.SerializerMethodField()
    triage = serializers.JSONField(read_only=True, help_text=_(
        "The desk's reading of the mention: for kind, urgent, sensitive, unit, thana, category and "
        "reply_language, the value, a confidence and the evidence (the words and the rule that made them count)."))

    class Meta(ComplaintSerializer.Meta):
        fields = ComplaintSerializer.Meta.fields + ["author_contact", "messages", "events", "allowed_actions", "media",
                                                    "triage"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = fast_complaint(instance, self.context.get("hidden_codes", ()))
        data["author_contact"] = instance.author_contact
        data["messages"] = MessageSerializer(instance.messages.all(), many=True).data
        data["events"] = EventSerializer(instance.events.all(), many=True, context=self.context).data
        data["allowed_actions"] = self.get_allowed_actions(instance)
        data["media"] = self.get_media(instance)
        data["triage"] = instance.triage
        return data

    def get_allowed_actions(self, complaint) -> list[str]:
        allowed = self.context.get("allowed_actions")
        return sorted(allowed) if allowed is not None else []

    @extend_schema_field(MediaSerializer(many=True))
    def get_media(self, complaint):
        # Photos and videos attached on X, for a caller who may see this complaint (complaints.media).
        request = self.context.get("request")
        return visible_media(getattr(request, "user", None), complaint)


class ComplaintCreateSerializer(serializers.Serializer):
    """Manual intake by HQ (a phone call, a walk-in, or a tweet typed in when X does not answer)."""

    text = serializers.CharField(max_length=10000)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.PHONE)
    source_tweet_id = serializers.RegexField(r"^[0-9]{1,20}$", required=False, allow_null=True, allow_blank=True)
    author_username = serializers.CharField(max_length=50, required=False, allow_blank=True)
    author_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    author_location = serializers.CharField(max_length=200, required=False, allow_blank=True)
    author_contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    language = serializers.CharField(max_length=10, required=False, allow_blank=True)
    tweeted_at = serializers.DateTimeField(required=False, allow_null=True)
    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.filter(is_active=True),
                                            required=False, allow_null=True)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)

    def validate_tweeted_at(self, value):
        # X began in March 2006; anything earlier (or in the future) is a typing mistake.
        if value is not None and not (TWITTER_EPOCH <= value <= timezone.now() + timedelta(days=1)):
            raise serializers.ValidationError(_("A tweet's time is between March 2006 and now."))
        return value

    def validate_text(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("A complaint needs some text."))
        return value


# ------------------------------------------------------------------ action bodies

class _Action(serializers.Serializer):
    expected_version = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1,
        help_text=_("The complaint's version you last read; a different current version answers 409."),
    )


class ForwardSerializer(_Action):
    unit = serializers.SlugField(max_length=80, help_text=_("Slug of the unit to forward to."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class NoteSerializer(_Action):
    unit = serializers.SlugField(max_length=80, required=False, help_text=_("The unit that noted (its own or one below)."))
    tweet_id = serializers.RegexField(r"^[0-9]{1,20}$", required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class AssignStationSerializer(_Action):
    police_station = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class ReportSerializer(_Action):
    text = serializers.CharField(max_length=280, help_text=_("The action-taken report, at most 280 characters."))


class ResolveSerializer(_Action):
    report = serializers.CharField(required=False, allow_blank=True, max_length=280)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class ApproveReportSerializer(_Action):
    note = serializers.CharField(required=False, allow_blank=True, max_length=280,
                                 help_text=_("An internal remark on the approval (never public)."))


class ReturnReportSerializer(_Action):
    reason = serializers.CharField(max_length=280, help_text=_("What the cell should change in its report."))


class CloseSerializer(_Action):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    fir_number = serializers.CharField(required=False, allow_blank=True, max_length=40)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class ReasonSerializer(_Action):
    reason = serializers.CharField(max_length=280)


class OptionalReasonSerializer(_Action):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class HandTo112Serializer(_Action):
    reference = serializers.CharField(required=False, allow_blank=True, max_length=60,
                                      help_text=_("112's reference number, if they gave one."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class TransferSerializer(_Action):
    unit = serializers.SlugField(max_length=80)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class MergeSerializer(_Action):
    into = serializers.CharField(max_length=200, help_text=_("Tracking code of the complaint that carries on."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class AddNoteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, help_text=_("An internal note; never shown to the public."))


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class DuplicateErrorSerializer(ErrorSerializer):
    existing = serializers.CharField(help_text=_("Tracking code of the complaint already filed for the tweet."))


# ------------------------------------------------------------------ public and stats

class PublicStageSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    at = serializers.DateTimeField()
    unit = serializers.CharField()
    handle = serializers.CharField()
    detail = serializers.CharField()


class PublicComplaintSerializer(serializers.Serializer):
    """Documents the shape of complaints.public.as_dict (the same content as the tracking page)."""

    tracking_code = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    is_open = serializers.BooleanField()
    restricted = serializers.BooleanField()
    received_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    unit = serializers.CharField()
    unit_handle = serializers.CharField()
    text = serializers.CharField()
    action_taken_report = serializers.CharField()
    outcome = serializers.CharField()
    outcome_label = serializers.CharField()
    fir_number = serializers.CharField()
    stages = PublicStageSerializer(many=True)


class StatsQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text=_("First day (IST); default 30 days before the end."))
    end = serializers.DateField(required=False, help_text=_("Last day, included (IST); default today."))
    unit = serializers.SlugField(required=False, help_text=_("Only this unit and the units below it."))


class LeagueRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField()
    unit_name_en = serializers.CharField()
    unit_name_hi = serializers.CharField()
    unit_type = serializers.CharField()
    received = serializers.IntegerField()
    forwarded = serializers.IntegerField()
    noted = serializers.IntegerField()
    noted_within_target = serializers.IntegerField()
    noted_within_target_pct = serializers.FloatField(allow_null=True)
    median_minutes_to_noted = serializers.FloatField(allow_null=True)
    median_minutes_to_resolution = serializers.FloatField(allow_null=True)
    disposed = serializers.IntegerField()
    disposal_rate_pct = serializers.FloatField(allow_null=True)
    pending_beyond_target = serializers.IntegerField()
    not_heard = serializers.IntegerField()
    satisfied = serializers.IntegerField(help_text=_("Complaints whose complainant's latest answer is satisfied."))
    not_satisfied = serializers.IntegerField(
        help_text=_("Complaints whose complainant's latest answer is not satisfied, or a request on X to reopen."))
    satisfaction_pct = serializers.FloatField(allow_null=True, help_text=_("Satisfied, as a share of those answered."))
    reopened = serializers.IntegerField(help_text=_("Complaints reopened at least once, whatever their state now."))


class StatsSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    noted_target_minutes = serializers.IntegerField(
        help_text="Wall-clock minutes after forwarding within which Noted counts as in time, for complaints "
                  "with no recorded SLA deadline for Noted (the others count against that deadline).")
    units = LeagueRowSerializer(many=True)
