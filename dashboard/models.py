"""The dashboard's own settings rows: SLA targets, each unit's working hours and HQ's canned replies."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models import Category, Priority, Status
from districts.models import Unit

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class SlaTarget(models.Model):
    """How long (in the unit's working minutes) each step may take. A blank category or priority matches
    any; the most specific row wins (category and priority, then priority, then category, then neither)."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    forward_minutes = models.PositiveIntegerField(_("minutes to forward"))
    noted_minutes = models.PositiveIntegerField(_("minutes to noted"))
    resolution_minutes = models.PositiveIntegerField(_("minutes to resolution"))

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(fields=["category", "priority"], name="sla_target_unique"),
        ]

    def __str__(self):
        return f"{self.category or '*'} / {self.priority or '*'}"


class ShiftCalendar(models.Model):
    """A unit's working hours in IST, every day of the week (police work weekends). Shifts may overlap and
    may run past midnight (22:00-08:00). Units without a row use settings.SLA_DEFAULT_SHIFTS."""

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="shift_calendar")
    round_the_clock = models.BooleanField(_("round the clock"), default=False)
    shifts = models.JSONField(
        _("shifts"), default=list, blank=True,
        help_text=_('A list of [start, end] pairs in IST, e.g. [["08:00", "16:00"], ["14:00", "22:00"]].'),
    )

    class Meta:
        verbose_name = _("shift calendar")
        verbose_name_plural = _("shift calendars")

    def __str__(self):
        return str(self.unit)

    def clean(self):
        if self.round_the_clock:
            return
        if not isinstance(self.shifts, list) or not self.shifts:
            raise ValidationError({"shifts": _("Give at least one shift, or tick round the clock.")})
        for pair in self.shifts:
            if (not isinstance(pair, (list, tuple)) or len(pair) != 2
                    or not all(isinstance(v, str) and HHMM.match(v) for v in pair) or pair[0] == pair[1]):
                raise ValidationError({"shifts": _("Each shift is a pair of different HH:MM times.")})


class CannedReply(models.Model):
    """A ready answer HQ and the districts copy into a reply, per category and state, in both languages."""

    title = models.CharField(_("title"), max_length=100)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text=_("Blank: any category."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True,
                              help_text=_("Blank: any state."))
    text_en = models.CharField(_("text (English)"), max_length=280)
    text_hi = models.CharField(_("text (Hindi)"), max_length=280)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["category__order", "status", "title"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self):
        return self.title


from .review_models import HonourRoll, HonourRule, WeeklyReport  # noqa: E402,F401  (the weekly review's rows)
from .notification_models import Delivery, Notification  # noqa: E402,F401  (the bell's and the mail's rows)
