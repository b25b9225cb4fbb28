from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwitterIngestConfig(AppConfig):
    name = "twitter_ingest"
    verbose_name = _("X (Twitter) ingest")

    def ready(self):
        from complaints.lifecycle import transitioned

        from . import checks, outbox  # noqa: F401 (checks registers itself)

        transitioned.connect(outbox.on_transition, dispatch_uid="twitter_ingest.outbox")
