from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        # The tracking page's cache must be dropped by whichever process changes a complaint (a worker
        # noting it, the web server resolving it), so the receiver is connected in every process.
        from . import public  # noqa: F401
