"""Notifications to the people who answer for a complaint or a unit: one row per recipient (the bell's
item, read or unread) and one delivery row per channel it goes out on (e-mail, console, SMS...).

"Nobody gets the same alert twice" is held by the database: a notification's key (what an escalation
alert says: the complaint, its missed deadline, the level told; or the unit's day for a digest) is unique
per recipient, and a delivery is unique per notification and channel."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from districts.models import Unit


class NotificationKind(models.TextChoices):
    ESCALATION = "escalation", _("Escalation")
    DIGEST = "digest", _("Morning digest")


class Notification(models.Model):
    # A recipient is a login (bell and e-mail) or, for a cell contact without one, only an address.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="notifications")
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    # What the alert is about, e.g. "escalation:<complaint>:<deadline>:<unit>:<level>" (dashboard.notify.
    # alert_key; "escalation:<complaint>:<event>" before) or "digest:<unit id>:<date>".
    key = models.CharField(_("key"), max_length=120)
    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    level = models.CharField(_("level"), max_length=10, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], condition=Q(recipient__isnull=False),
                                    name="notification_once_per_login"),
            models.UniqueConstraint(fields=["key", "email"], condition=Q(recipient__isnull=True),
                                    name="notification_once_per_address"),
        ]
        indexes = [
            # The bell counts a login's unread items on every page.
            models.Index(fields=["recipient", "-created_at"], name="notification_unread",
                         condition=Q(read_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.key} → {self.recipient or self.email}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One notification on one channel; the sender claims it with a conditional UPDATE before sending."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")]
        indexes = [
            # dashboard.notify.deliver_pending reads only these.
            models.Index(fields=["id"], name="delivery_pending", condition=Q(status="pending")),
        ]

    def __str__(self):
        return f"{self.channel}: {self.notification_id} ({self.status})"
