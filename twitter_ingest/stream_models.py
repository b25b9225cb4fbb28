"""What the stream process (manage.py stream_mentions) last said about its connection, one row per streamed
account. It lives in the database because the web process and the beat must read it wherever the stream
runs: a separate process on the embedded default (SQLite, a cache of its own in each process) as in
production."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from districts.models import XAccount


class StreamState(models.Model):
    account = models.OneToOneField(XAccount, on_delete=models.CASCADE, primary_key=True,
                                   related_name="stream_state", verbose_name=_("account"))
    connected_since = models.DateTimeField(_("connected since"), null=True, blank=True)
    # Any line, keep-alives too; written at most every STREAM_STATE_SECONDS.
    last_seen_at = models.DateTimeField(_("last heard from X"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last event"), null=True, blank=True)
    reconnects_total = models.PositiveBigIntegerField(_("reconnects"), default=0)
    # Epoch seconds of the reconnects of the last 24 hours (at most stream_state.KEEP_RECONNECTS of them).
    recent_reconnects = models.JSONField(_("recent reconnects"), default=list, blank=True)
    backoff_seconds = models.FloatField(_("current wait (s)"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error_code = models.CharField(_("last error code"), max_length=30, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("stream state")
        verbose_name_plural = _("stream states")

    def __str__(self):
        return f"stream of {self.account_id}"
