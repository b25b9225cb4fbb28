"""The X users the desk knows by id: the authors of mentions, looked up once and kept, so that mentions
are polled without X's user expansions (each user an expansion returns is a billed user read, every UTC
day it comes back)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class XUser(models.Model):
    """One X account as a users lookup last gave it. `found` is False when X answered that the id is
    unknown or suspended (kept, so it is not asked again before the entry is due for a refresh)."""

    user_id = models.CharField(_("X user id"), max_length=20, unique=True)
    username = models.CharField(_("handle"), max_length=50, blank=True)
    name = models.CharField(_("name on X"), max_length=100, blank=True)
    location = models.CharField(_("location on X"), max_length=100, blank=True)
    description = models.CharField(_("bio on X"), max_length=400, blank=True)
    found = models.BooleanField(_("found on X"), default=True)
    fetched_at = models.DateTimeField(_("looked up at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("X user")
        verbose_name_plural = _("X users")

    def __str__(self):
        return f"@{self.username}" if self.username else self.user_id

    def as_author(self):
        """The user in the shape of X's user object (what Envelope.author holds)."""
        user = {"id": self.user_id, "username": self.username, "name": self.name}
        if self.location:
            user["location"] = self.location
        if self.description:
            user["description"] = self.description
        return user
