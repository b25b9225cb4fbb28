"""What the weekly account audit found on X about each unit account (circular 001 §1, §8, §10), and the
audit runs themselves with what they cost. Written by the ingest side's audit (twitter_ingest.account_audit),
read by the dashboard's accounts page; the rules that turn a profile into findings are account_rules."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccountCheck(models.Model):
    """The account as X showed it at the last audit. `findings` are account_rules codes."""

    account = models.OneToOneField("districts.XAccount", verbose_name=_("account"), on_delete=models.CASCADE,
                                   related_name="x_check")
    exists = models.BooleanField(_("exists on X"), null=True)
    x_username = models.CharField(_("handle on X"), max_length=15, blank=True)
    name = models.CharField(_("display name"), max_length=100, blank=True)
    verified = models.BooleanField(_("verified"), null=True)
    verified_type = models.CharField(_("kind of verification"), max_length=20, blank=True)
    protected = models.BooleanField(_("protected"), null=True)
    description = models.TextField(_("bio"), blank=True)
    profile_image_url = models.URLField(_("profile picture"), max_length=500, blank=True)
    followers_count = models.PositiveIntegerField(_("followers"), null=True, blank=True)
    following_count = models.PositiveIntegerField(_("following"), null=True, blank=True)
    missing_follows = models.JSONField(_("required accounts not followed"), default=list, blank=True)
    follows_checked_at = models.DateTimeField(_("follows checked"), null=True, blank=True)
    findings = models.JSONField(_("findings"), default=list, blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)

    class Meta:
        verbose_name = _("account check")
        verbose_name_plural = _("account checks")

    def __str__(self):
        return f"@{self.account.handle}: {', '.join(self.findings) or 'ok'}"


class AuditStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETE = "complete", _("Complete")
    RATE_LIMITED = "rate_limited", _("Stopped by X's rate limit (the next run resumes)")
    BUDGET = "budget", _("Not run: the month's X budget is spent")
    FAILED = "failed", _("Failed")


class AccountAuditRun(models.Model):
    """One audit of the unit accounts. A run stopped by a rate limit is resumed by the next one, which
    looks up only the accounts this run did not reach."""

    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    trigger = models.CharField(_("started by"), max_length=20, default="command")
    status = models.CharField(_("status"), max_length=20, choices=AuditStatus.choices, default=AuditStatus.RUNNING)
    accounts = models.PositiveIntegerField(_("accounts to check"), default=0)
    checked = models.PositiveIntegerField(_("accounts checked"), default=0)
    requests = models.PositiveIntegerField(_("requests to X"), default=0)
    estimated_usd = models.DecimalField(_("estimated cost (USD)"), max_digits=10, decimal_places=4, default=0)
    cost_usd = models.DecimalField(_("cost on the X bill (USD)"), max_digits=10, decimal_places=4, default=0)
    with_following = models.BooleanField(_("follows checked"), default=False)
    resume_after = models.DateTimeField(_("resume after"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("account audit")
        verbose_name_plural = _("account audits")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"
