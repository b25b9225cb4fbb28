"""The escalation ladders' rows: how long each step gives the people at its level before the complaint
climbs to the next one. HQ edits them in the admin; complaints.escalation reads them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EscalationLevel(models.TextChoices):
    CELL = "cell", _("Unit cell")
    RANGE = "range", _("Range")
    ZONE = "zone", _("Zone")
    HQ = "hq", _("HQ")
    # HQ's own forwarding clock: a new complaint not yet forwarded to a unit.
    HQ_CELL = "hq_cell", _("HQ's cell (to forward)")
    HQ_SUPERVISOR = "hq_super", _("HQ's supervisors (to forward)")


# The order the ladder climbs in; a level the unit's tree lacks (a commissionerate has no range) is skipped.
LADDER = (EscalationLevel.CELL, EscalationLevel.RANGE, EscalationLevel.ZONE, EscalationLevel.HQ)
# A new complaint past HQ's deadline to forward it has no unit to climb from: HQ's cell is told, then, if it is
# still not forwarded when the cell's time runs out, HQ's supervisors (the top).
FORWARDING_LADDER = (EscalationLevel.HQ_CELL, EscalationLevel.HQ_SUPERVISOR)
# The last rung of each ladder: its minutes only date its step.
TOP_LEVELS = (EscalationLevel.HQ, EscalationLevel.HQ_SUPERVISOR)


class EscalationStep(models.Model):
    """One rung: an overdue complaint at this level waits `minutes` (wall-clock) for someone to act before
    it climbs to the next level. The HQ rung and HQ's supervisors' rung are the tops: their minutes only date
    their deadline."""

    level = models.CharField(_("level"), max_length=10, choices=EscalationLevel.choices, unique=True)
    minutes = models.PositiveIntegerField(_("minutes before the next level"))

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")

    def __str__(self):
        return f"{self.get_level_display()}: {self.minutes}"
