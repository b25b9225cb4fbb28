"""The X bill: one row per resource X charges for, per UTC day (X charges the same resource once a day)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChargeKind(models.TextChoices):
    OWNED_READ = "owned_read", _("Owned read")
    POST_READ = "post_read", _("Post read")
    USER_READ = "user_read", _("User read")
    POST = "post", _("Post")
    POST_WITH_URL = "post_with_url", _("Post with a URL")
    SUMMONED_REPLY = "summoned_reply", _("Summoned reply")


class XCharge(models.Model):
    """A resource X bills for on `day` (UTC). The first time in the day it is charged (`cost`); every later
    time only `times` goes up. Rows without a resource id (counted, not identified) are never merged."""

    day = models.DateField(_("day (UTC)"), db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ChargeKind.choices)
    resource_id = models.CharField(_("resource id"), max_length=40, blank=True)
    times = models.PositiveIntegerField(_("times returned"), default=1)
    units = models.PositiveIntegerField(_("resources billed"), default=1)
    cost = models.DecimalField(_("cost (USD)"), max_digits=12, decimal_places=4)
    at = models.DateTimeField(_("first at"), default=timezone.now)

    class Meta:
        ordering = ["-day", "kind", "id"]
        verbose_name = _("X charge")
        verbose_name_plural = _("X charges")
        constraints = [models.UniqueConstraint(fields=["day", "kind", "resource_id"], name="x_charge_once_a_day",
                                               condition=~models.Q(resource_id=""))]
        indexes = [models.Index(fields=["day", "kind"], name="x_charge_day_kind")]

    def __str__(self):
        return f"{self.day} {self.kind} {self.resource_id or self.units}"
