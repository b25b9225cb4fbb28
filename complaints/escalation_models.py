"""The escalation ladder's rows: how long each step gives the people at its level before the complaint
climbs to the next one. HQ edits them in the admin; complaints.escalation reads them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EscalationLevel(models.TextChoices):
    CELL = "cell", _("Unit cell")
    RANGE = "range", _("Range")
    ZONE = "zone", _("Zone")
    HQ = "hq", _("HQ")


# The order the ladder climbs in; a level the unit's tree lacks (a commissionerate has no range) is skipped.
LADDER = (EscalationLevel.CELL, EscalationLevel.RANGE, EscalationLevel.ZONE, EscalationLevel.HQ)


class EscalationStep(models.Model):
    """One rung: an overdue complaint at this level waits `minutes` (wall-clock) for someone to act before
    it climbs to the next level. The HQ rung is the top: its minutes only date its deadline."""

    level = models.CharField(_("level"), max_length=10, choices=EscalationLevel.choices, unique=True)
    minutes = models.PositiveIntegerField(_("minutes before the next level"))

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")

    def __str__(self):
        return f"{self.get_level_display()}: {self.minutes}"
