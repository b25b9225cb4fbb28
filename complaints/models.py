"""Complaints, their thread of messages and their append-only audit trail.

Rows here are written only through complaints.lifecycle; models hold data and invariants, not workflow.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import PoliceStation, Unit


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


OPEN_STATUSES = (
    Status.NEW, Status.FORWARDED, Status.NOTED, Status.IN_PROGRESS, Status.TRANSFERRED, Status.REOPENED,
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


class ComplaintQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None):
        return self.filter(overdue_q(now))

    def with_related(self):
        return self.select_related("unit", "category", "police_station", "suggested_unit", "noted_by")


class Complaint(models.Model):
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True, editable=False)
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
    language = models.CharField(_("language"), max_length=10, blank=True)
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

    # The next SLA deadline (to forward, to note or to resolve, whichever the state is waiting for), kept
    # by the SLA module on every change so that "overdue" is one indexed comparison.
    sla_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True, db_index=True)
    # The deadline for "Noted" set when the complaint reached its unit (per category and priority, in the
    # unit's working hours), kept by the SLA module; the league table's "noted within target" counts
    # against it. Empty for complaints forwarded before it was kept.
    noted_due_at = models.DateTimeField(_("deadline for noted"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

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
    def tweet_url(self):
        if not self.source_tweet_id:
            return ""
        return f"https://x.com/{self.author_username or 'i'}/status/{self.source_tweet_id}"


class MessageKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen follow-up")
    DISTRICT = "district", _("District reply")
    HQ_PUBLIC = "hq_public", _("HQ public reply")
    INTERNAL = "internal", _("Internal note")
    OTHER = "other", _("Other mention")


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
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
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
