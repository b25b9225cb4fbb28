"""Complaints, their thread of messages and their append-only audit trail.

Rows here are written only through complaints.lifecycle; models hold data and invariants, not workflow.
"""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import JSONField, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import PoliceStation, Unit

from .escalation_models import EscalationLevel, EscalationStep  # noqa: F401  (the ladder's rows)
from .triage.terms import LANGUAGES as TERM_LANGUAGES, TermClass


class Status(models.TextChoices):
    NEW = "new", _("New")
    FORWARDED = "forwarded", _("Forwarded")
    NOTED = "noted", _("Noted")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")
    TRANSFERRED = "transferred", _("Transferred")
    REOPENED = "reopened", _("Reopened")
    # The cell's report waits for the unit's supervising officer (Unit.reports_need_approval, 001 §6).
    AWAITING_APPROVAL = "awaiting_approval", _("Report awaiting approval")


OPEN_STATUSES = (
    Status.NEW, Status.FORWARDED, Status.NOTED, Status.IN_PROGRESS, Status.TRANSFERRED, Status.REOPENED,
    Status.AWAITING_APPROVAL,
)


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class Channel(models.TextChoices):
    X = "x", _("X (Twitter)")
    PHONE = "phone", _("Phone call")
    WALK_IN = "walk_in", _("Walk-in")
    OTHER = "other", _("Other")
    FOUND_ON_X = "found_on_x", _("Found on X")


class Outcome(models.TextChoices):
    FIR = "fir", _("FIR registered")
    NCR = "ncr", _("NCR registered")
    RESOLVED_WITHOUT_FIR = "resolved_without_fir", _("Resolved without FIR")
    NOT_POLICE_MATTER = "not_police_matter", _("Not a police matter")
    TRANSFERRED_OUT = "transferred_out", _("Transferred to another state or agency")


class Category(models.Model):
    """The classes districts sort complaints into (004). HQ edits them; three ship by default."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_hi = models.CharField(_("name (Hindi)"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name_en"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name_en


def overdue_q(now=None):
    """Open and past the deadline it is waiting for (Complaint.sla_due_at, kept by the SLA module)."""
    return models.Q(status__in=OPEN_STATUSES, sla_due_at__lt=now or timezone.now())


class RandomUUID(models.Func):
    """A random UUID made by the database, for rows written around the ORM (COPY and INSERT ... SELECT
    in the benchmarks) and for the rows already there when the column is added. PostgreSQL 13+ and
    SQLite both make one per row."""

    output_field = models.UUIDField()
    template = "gen_random_uuid()"

    def as_sqlite(self, compiler, connection, **extra_context):
        return "lower(hex(randomblob(16)))", []


class ComplaintQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None):
        return self.filter(overdue_q(now))

    def with_related(self):
        return self.select_related("unit", "category", "police_station", "suggested_unit", "suggested_station", "noted_by")


class Complaint(models.Model):
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True, editable=False)
    # Open311's service_request_id: random and unrelated to the tracking code, so that the public list
    # of requests never hands out the codes that act as the complainants' keys.
    public_id = models.UUIDField(_("public request id"), default=uuid.uuid4, db_default=RandomUUID(),
                                 unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.X)
    # Tweet ids are 64-bit; they are kept as decimal strings so that nothing ever passes them through a float.
    source_tweet_id = models.CharField(_("source tweet id"), max_length=20, null=True, blank=True, unique=True)
    conversation_id = models.CharField(_("conversation id"), max_length=20, blank=True, db_index=True)
    author_id = models.CharField(_("author id"), max_length=20, blank=True, db_index=True)
    author_username = models.CharField(_("author username"), max_length=50, blank=True, db_index=True)
    author_name = models.CharField(_("author name"), max_length=100, blank=True)
    author_location = models.CharField(_("author location"), max_length=200, blank=True)
    author_contact = models.CharField(
        _("complainant contact"), max_length=200, blank=True,
        help_text=_("Phone or address for complaints taken by phone or in person. Never tweeted."),
    )
    text = models.TextField(_("text"))
    # The language the desk answers in ("hi" or "en"), as triage judged it from the words; X's own tag
    # (often "in", "und", "qme" for Hinglish) is kept beside it for the record.
    language = models.CharField(_("language"), max_length=10, blank=True)
    x_lang = models.CharField(_("language tag on X"), max_length=10, blank=True, db_default="")
    tweeted_at = models.DateTimeField(_("tweeted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    police_station = models.ForeignKey(
        PoliceStation, verbose_name=_("police station"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="complaints",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="complaints",
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    urgent_terms = models.JSONField(_("urgent words matched"), default=list, blank=True)
    is_restricted = models.BooleanField(
        _("restricted"), default=False,
        help_text=_("Sensitive (against women and children, sexual offences): HQ supervisors and designated staff only."),
    )

    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    noted_at = models.DateTimeField(_("noted at"), null=True, blank=True)
    noted_by = models.ForeignKey(
        Unit, verbose_name=_("noted by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    noted_tweet_id = models.CharField(_("noted tweet id"), max_length=20, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    action_taken_report = models.CharField(_("action-taken report"), max_length=280, blank=True)
    # A report filed where the unit's supervising officer approves reports first: kept here, never public,
    # until it is approved (then it becomes action_taken_report) or returned (then the cell edits it).
    pending_report = models.CharField(_("report awaiting approval"), max_length=280, blank=True, db_default="")
    pending_resolution = models.BooleanField(_("approval resolves the complaint"), default=False, db_default=False)
    report_return_reason = models.CharField(_("why the report was returned"), max_length=280, blank=True,
                                            db_default="")
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    fir_number = models.CharField(_("FIR number"), max_length=40, blank=True)
    rejection_reason = models.CharField(_("rejection reason"), max_length=280, blank=True)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="duplicates",
    )
    suggested_unit = models.ForeignKey(
        Unit, verbose_name=_("suggested unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggestion_reason = models.CharField(_("suggestion reason"), max_length=300, blank=True)
    suggestion_confidence = models.FloatField(_("suggestion confidence"), null=True, blank=True)
    suggested_station = models.ForeignKey(
        PoliceStation, verbose_name=_("suggested police station"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    # The desk's first reading of the mention (complaints.triage.Judgement.as_dict()): every finding with its
    # confidence and the words that made it, so staff see why. Empty for complaints filed by hand.
    triage = models.JSONField(_("triage"), default=dict, blank=True, db_default=Value({}, JSONField()))
    # Photos and videos attached on X: [{"media_key", "type", "url", "preview_image_url", "alt_text", ...}].
    media = models.JSONField(_("photos and videos"), default=list, blank=True, db_default=Value([], JSONField()))
    # Filed by hand for a tweet already filed as this other complaint, which the person filing may not
    # see (a restricted one): they are answered as if the tweet were new, and an HQ supervisor merges
    # the two. The tweet id stays on the first complaint only, so threads and replies follow it.
    same_tweet_as = models.ForeignKey(
        "self", verbose_name=_("same tweet as"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="refilings", editable=False,
    )

    # The next SLA deadline (to forward, to note or to resolve, whichever the state is waiting for), kept
    # by the SLA module on every change so that "overdue" is one indexed comparison.
    sla_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True, db_index=True)
    # The deadline for "Noted" set when the complaint reached its unit (per category and priority, in the
    # unit's working hours), kept by the SLA module; the league table's "noted within target" counts
    # against it. Empty for complaints forwarded before it was kept.
    noted_due_at = models.DateTimeField(_("deadline for noted"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # The escalation ladder (complaints.escalation): the level an overdue complaint has climbed to (cell,
    # range, zone, HQ; empty while it is not escalated) and when that step's time runs out. Written by
    # lifecycle.escalate; any change of state clears both, so a new deadline starts a new ladder.
    escalation_level = models.CharField(_("escalation level"), max_length=10, blank=True, db_default="",
                                        choices=EscalationLevel.choices)
    escalation_due_at = models.DateTimeField(_("escalation step due"), null=True, blank=True)

    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Bumped by every lifecycle change, so a form or API client holding an old copy can be told it is stale.
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["status", "-received_at"], name="complaint_status_received"),
            models.Index(fields=["unit", "status", "-received_at"], name="complaint_unit_status_received"),
            # The urgent alarm (dashboard.urgent) is counted on every page HQ and the cells open: urgent
            # complaints waiting on a short clock are few, so this index is small and the count exact.
            models.Index(fields=["sla_due_at"], name="complaint_urgent_short_clock",
                         condition=models.Q(priority="urgent", status__in=["new", "forwarded", "transferred"])),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(duplicate_of=models.F("pk")), name="complaint_not_duplicate_of_itself"
            ),
        ]

    def __str__(self):
        return self.tracking_code

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def filed_tweet_id(self):
        """The tweet this complaint was filed from; for a re-filing, the first filing's tweet."""
        if self.source_tweet_id or not self.same_tweet_as_id:
            return self.source_tweet_id
        return self.same_tweet_as.source_tweet_id

    @property
    def tweet_url(self):
        tweet_id = self.filed_tweet_id
        if not tweet_id:
            return ""
        return f"https://x.com/{self.author_username or 'i'}/status/{tweet_id}"


class MessageKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen follow-up")
    DISTRICT = "district", _("District reply")
    HQ_PUBLIC = "hq_public", _("HQ public reply")
    INTERNAL = "internal", _("Internal note")
    OTHER = "other", _("Other mention")
    EDIT = "edit", _("Edited on X (new version; the earlier one is kept)")


class Message(models.Model):
    """One item of a complaint's thread. Internal notes are never shown to the public."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    text = models.TextField(_("text"))
    tweet_id = models.CharField(_("tweet id"), max_length=20, null=True, blank=True, unique=True)
    author_username = models.CharField(_("author"), max_length=50, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    needs_attention = models.BooleanField(
        _("needs HQ attention"), default=False,
        help_text=_("For example a district update that reads like disposal, for HQ to confirm."),
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.get_kind_display()} on {self.complaint_id}"


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("Complaint events are append-only.")

    def delete(self):
        raise PermissionDenied("Complaint events are append-only.")


class Event(models.Model):
    """Append-only audit trail: one row per change, never edited or deleted.

    The actor's username is copied so the trail outlives the account."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=40, db_index=True)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    # PROTECT: a login that has acted is deactivated, never deleted (districts.admin says so in the admin).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return f"{self.action} {self.from_status}→{self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Complaint events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Complaint events are append-only.")


class DayTally(models.Model):
    """A unit's complaints received on one IST day, as they stand now: the league table's pre-aggregated
    figures (kept by complaints.tally, never edited by hand). unit is empty for complaints not routed."""

    day = models.DateField(_("day received"))
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    received = models.PositiveIntegerField(_("received"), default=0)
    forwarded = models.PositiveIntegerField(_("forwarded"), default=0)
    noted = models.PositiveIntegerField(_("noted"), default=0)
    noted_in_time = models.PositiveIntegerField(_("noted within target"), default=0)
    disposed = models.PositiveIntegerField(_("disposed"), default=0)
    not_heard = models.PositiveIntegerField(_("not heard"), default=0)
    # The complainants' latest answer, one per complaint: satisfied, or not satisfied (a
    # "not satisfied" on the tracking page or a request on X to reopen).
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    not_satisfied = models.PositiveIntegerField(_("not satisfied"), default=0)
    # Complaints reopened at least once (a "reopen" event), whatever their state now.
    reopened = models.PositiveIntegerField(_("reopened"), default=0, db_default=0)
    # The three columns below are packed as little-endian unsigned 32-bit integers (complaints.tally):
    # a month of them is some 2,300 rows and 150,000 numbers, which decode many times faster from bytes
    # than from JSON. by_category: (category id, or 0 for none; complaints received) pairs, for the charts.
    by_category = models.BinaryField(_("received by category"), default=b"")
    # Whole seconds (rounded up), one per complaint, sorted: forwarded → noted and forwarded → resolved.
    # Medians need every value, which a sum cannot give.
    noted_seconds = models.BinaryField(_("seconds to noted"), default=b"")
    resolution_seconds = models.BinaryField(_("seconds to resolution"), default=b"")
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("daily tally")
        verbose_name_plural = _("daily tallies")
        indexes = [models.Index(fields=["day", "unit"], name="daytally_day_unit")]
        constraints = [
            models.UniqueConstraint(fields=["day", "unit"], condition=models.Q(unit__isnull=False),
                                    name="daytally_one_per_unit_day"),
            models.UniqueConstraint(fields=["day"], condition=models.Q(unit__isnull=True),
                                    name="daytally_one_unrouted_per_day"),
        ]

    def __str__(self):
        return f"{self.day} {self.unit_id or '-'}: {self.received}"


class StaleDay(models.Model):
    """A day whose tallies no longer match its complaints; written in the transaction of the change."""

    day = models.DateField(_("day received"), db_index=True)

    class Meta:
        verbose_name = _("day to recount")
        verbose_name_plural = _("days to recount")


class LexiconTerm(models.Model):
    """A triage term HQ adds, or a reviewed term (fixtures/triage/lexicon.csv) HQ switches off, without a
    release: complaints.triage.lexicon merges these rows over the fixture and recompiles on change."""

    term = models.CharField(
        _("term"), max_length=200,
        help_text=_("Words as people write them, in Devanagari, Hinglish or English; end with * to match any "
                    "ending of the last word (गोली* matches गोलियां)."),
    )
    language = models.CharField(_("language"), max_length=10, choices=TERM_LANGUAGES, default="hi")
    term_class = models.CharField(_("class"), max_length=30, choices=TermClass.choices, db_index=True)
    requires = models.CharField(
        _("requires"), max_length=200, blank=True,
        help_text=_("Cue classes that must also occur in the mention: a|b for either, a&b for both."),
    )
    source = models.CharField(_("source or reason"), max_length=300)
    is_active = models.BooleanField(
        _("active"), default=True,
        help_text=_("Untick to switch off the reviewed term of this class with the same words, in every spelling "
                    "the desk reads as the same word."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["term_class", "term"]
        verbose_name = _("triage term")
        verbose_name_plural = _("triage terms")
        constraints = [models.UniqueConstraint(fields=["term", "term_class"], name="lexiconterm_unique_term_class")]

    def __str__(self):
        return f"{self.term} ({self.get_term_class_display()})"

    def clean(self):
        from django.core.exceptions import ValidationError

        from .triage.lexicon import parse_requires
        from .triage.normalise import term_keys

        term = (self.term or "").strip()
        if "*" in term.rstrip("*") or term.count("*") > 1:
            raise ValidationError({"term": _("Only the end of the term may be *.")})
        if not term_keys(term.replace("*", " ")):
            raise ValidationError({"term": _("The term has no letters or digits.")})
        unknown = sorted({name for group in parse_requires(self.requires) for name in group} - set(TermClass.values))
        if unknown:
            raise ValidationError({"requires": _("Unknown class: %(names)s.") % {"names": ", ".join(unknown)}})


class TriageModel(models.Model):
    """A text classifier trained on the desk's own decisions (complaints.triage.model). Rows are only
    written by `manage.py train_triage`; at most one is active: the newest whose held-back scores beat the
    one active before it."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    trained_on = models.JSONField(_("trained on"), default=dict, help_text=_("Examples by source and split."))
    scores = models.JSONField(_("scores"), default=dict, help_text=_("Precision, recall and F1 per label on the held-back share."))
    macro_f1 = models.FloatField(_("macro F1"), help_text=_("Mean over the targets of the macro F1 on the held-back share."))
    library = models.CharField(_("library version"), max_length=40)
    pipeline = models.BinaryField(_("pipeline"))
    is_active = models.BooleanField(_("active"), default=False)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True), name="triagemodel_one_active"),
        ]

    def __str__(self):
        return f"triage model v{self.version}"
