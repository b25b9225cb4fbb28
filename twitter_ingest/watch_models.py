"""Watches: recent-search queries a unit (or HQ) runs on X for incidents nobody tagged the police in.

A Watch holds the words (the unit's place names, the incident terms, exclusions); watch_query compiles
them into X's query syntax. Each post a watch finds is one WatchFind (the tweet id is unique, so a post
found by two watches, or by two overlapping runs, lands once) and waits in the unit's watch queue until a
person files it, dismisses it or informs the thana. WatchReads counts the posts X billed per watch and
month; WatchFindEvent is the queue's append-only audit trail."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from districts.models import PoliceStation, Unit


class Watch(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="watches")
    name = models.CharField(_("name"), max_length=120)
    place_terms = models.JSONField(_("place names"), default=list, blank=True)
    incident_terms = models.JSONField(_("incident words"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    exclude_terms = models.JSONField(_("words to exclude"), default=list, blank=True)
    exclude_accounts = models.JSONField(_("accounts to exclude"), default=list, blank=True)
    monthly_cap = models.PositiveIntegerField(_("monthly cap (posts read)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    since_id = models.CharField(max_length=20, blank=True)
    stopped_reason = models.CharField(_("stopped"), max_length=300, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    rate_limited_until = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit__name_en", "name"]
        verbose_name = _("watch")
        verbose_name_plural = _("watches")

    def __str__(self):
        return f"{self.name} ({self.unit})"


class WatchReads(models.Model):
    """Posts X returned to a watch in a calendar month (UTC, as X bills): what the watch has cost."""

    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="reads")
    month = models.DateField()
    posts = models.PositiveIntegerField(default=0)
    requests = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["watch", "month"], name="watch_reads_one_per_month")]


class FindStatus(models.TextChoices):
    OPEN = "open", _("Waiting")
    FILED = "filed", _("Filed as a complaint")
    DISMISSED = "dismissed", _("Dismissed")
    INFORMED = "informed", _("Thana informed")


class WatchFind(models.Model):
    tweet_id = models.CharField(max_length=20, unique=True)
    watch = models.ForeignKey(Watch, on_delete=models.PROTECT, related_name="finds")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"))
    author_id = models.CharField(max_length=20, blank=True)
    lang = models.CharField(max_length=10, blank=True)
    tweeted_at = models.DateTimeField(_("posted"), null=True, blank=True)
    found_at = models.DateTimeField(_("found"), default=timezone.now, db_index=True)
    raw = models.JSONField(default=dict)
    matched_terms = models.JSONField(_("matched words"), default=list)
    matched_places = models.JSONField(_("matched places"), default=list)
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    is_urgent = models.BooleanField(_("urgent"), default=False)
    is_sensitive = models.BooleanField(_("sensitive"), default=False)
    station = models.ForeignKey(PoliceStation, verbose_name=_("police station"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    triage = models.JSONField(default=dict)
    status = models.CharField(_("status"), max_length=10, choices=FindStatus.choices, default=FindStatus.OPEN)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    informed_whom = models.CharField(_("who was phoned"), max_length=200, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    complaint = models.ForeignKey(Complaint, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-is_urgent", "-found_at"]
        verbose_name = _("post found by a watch")
        verbose_name_plural = _("posts found by watches")
        indexes = [models.Index(fields=["unit", "status", "-is_urgent", "-found_at"], name="watchfind_queue"),
                   models.Index(fields=["tweeted_at"], name="watchfind_tweeted")]

    def __str__(self):
        return f"{self.tweet_id} ({self.get_status_display()})"


class FindEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("Watch queue events are append-only.")

    def delete(self):
        raise PermissionDenied("Watch queue events are append-only.")


class WatchFindEvent(models.Model):
    find = models.ForeignKey(WatchFind, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = FindEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Watch queue events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Watch queue events are append-only.")
