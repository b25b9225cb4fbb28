"""Several watched accounts: which of them a mention was addressed to, who switched polling on or off, and
the watched accounts as HQ manages them in the admin (a proxy of districts' XAccount, whose `watched`
flag is the switch)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import XAccount


class WatchedAccount(XAccount):
    """An X account as the ingest sees it: handle, X user id, polled or not, active or not. Its tokens are
    referenced by the handle and read from the environment (credentials.py), never stored here."""

    class Meta:
        proxy = True
        verbose_name = _("watched account")
        verbose_name_plural = _("watched accounts")


class MentionedAccount(models.Model):
    """One watched account a tweet was addressed to. Keyed by the tweet id rather than the Mention row, so
    it is recorded before filing and survives a filing that fails: a tweet that tags @Uppolice and @dgpup
    is filed once and has two of these."""

    tweet_id = models.CharField(_("tweet id"), max_length=20, db_index=True)
    account = models.ForeignKey(XAccount, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(_("first seen"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-seen_at", "-id"]
        verbose_name = _("account mentioned")
        verbose_name_plural = _("accounts mentioned")
        constraints = [models.UniqueConstraint(fields=["tweet_id", "account"], name="mentioned_account_once")]

    def __str__(self):
        return f"{self.tweet_id} → @{self.account.handle}"


class AccountSwitch(models.Model):
    """HQ switched the polling of an account on or off: by whom and when (append-only)."""

    account = models.ForeignKey(XAccount, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+")
    watched = models.BooleanField(_("polled"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("polling switched")
        verbose_name_plural = _("polling switched")

    def __str__(self):
        return f"@{self.account.handle}: {'on' if self.watched else 'off'}"
