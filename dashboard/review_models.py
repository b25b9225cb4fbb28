"""Rows of the DGP's weekly review: HQ's honour-roll rules, each month's honour roll as it was decided,
and the weekly review reports as they were filed. Imported by dashboard.models."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Unit


class HonourMethod(models.TextChoices):
    BEST = "best", _("Best in the month")
    MOST_IMPROVED = "most_improved", _("Most improved on the month before")


class HonourMetric(models.TextChoices):
    # League figures (complaints.stats); the median is better when lower, the rest when higher.
    DISPOSAL_RATE = "disposal_rate_pct", _("Disposal rate (%)")
    NOTED_IN_TIME = "noted_within_target_pct", _("Noted within target (%)")
    # xgettext:no-python-format
    SATISFACTION = "satisfaction_pct", _("Satisfied (% of answers)")
    MEDIAN_TO_NOTED = "median_minutes_to_noted", _("Median minutes to noted")


LOWER_IS_BETTER = {HonourMetric.MEDIAN_TO_NOTED}


class HonourRule(models.Model):
    """A rule HQ sets for the monthly honour roll, e.g. the best three districts by disposal rate among
    those that received at least 20 complaints. Editing a rule changes the months not yet decided only:
    each decided month keeps a copy of the rule it was decided by."""

    name_en = models.CharField(_("name (English)"), max_length=120)
    name_hi = models.CharField(_("name (Hindi)"), max_length=120)
    method = models.CharField(_("method"), max_length=20, choices=HonourMethod.choices, default=HonourMethod.BEST)
    metric = models.CharField(_("figure"), max_length=40, choices=HonourMetric.choices,
                              default=HonourMetric.DISPOSAL_RATE)
    places = models.PositiveSmallIntegerField(_("places"), default=3)
    min_received = models.PositiveIntegerField(
        _("minimum complaints received"), default=20,
        help_text=_("Units that received fewer complaints in the month (for most improved: in either month) "
                    "are not considered."),
    )
    districts_only = models.BooleanField(_("districts and commissionerates only"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("honour-roll rule")
        verbose_name_plural = _("honour-roll rules")

    def __str__(self):
        return self.name_en

    def snapshot(self):
        return {f: getattr(self, f) for f in ("name_en", "name_hi", "method", "metric", "places", "min_received",
                                              "districts_only")}


class HonourRoll(models.Model):
    """One rule's result for one month, decided once and kept: later changes to complaints or to the rule
    do not change it."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    rule = models.ForeignKey(HonourRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="rolls")
    rule_snapshot = models.JSONField(_("rule as applied"))
    entries = models.JSONField(_("units honoured"), default=list)
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        ordering = ["-month", "rule__order", "rule_id"]
        verbose_name = _("honour roll")
        verbose_name_plural = _("honour rolls")
        constraints = [models.UniqueConstraint(fields=["month", "rule"], name="honour_roll_month_rule_unique")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.rule_snapshot.get('name_en', '')}"


class WeeklyReport(models.Model):
    """A weekly review report as filed (PDF), per week, scope (the state, or a supervisor's unit) and
    language. Kept as filed: downloading it again gives the same document."""

    week_start = models.DateField(_("week starting (Monday)"))
    scope = models.ForeignKey(Unit, verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language"), max_length=5)
    pdf = models.BinaryField(_("PDF"))
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    filed_by = models.CharField(_("filed by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-week_start", "scope_id", "language"]
        verbose_name = _("weekly review report")
        verbose_name_plural = _("weekly review reports")
        constraints = [models.UniqueConstraint(fields=["week_start", "scope", "language"],
                                               name="weekly_report_week_scope_language_unique")]

    def __str__(self):
        return f"{self.week_start:%G-W%V} {self.scope} {self.language}"
