"""Pages for HQ's cell, the district cells and supervisors."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        # Connects the receiver that keeps Complaint.sla_due_at current.
        from . import sla  # noqa: F401
        # Connects the receiver that posts an escalation step's alerts in the step's transaction.
        from . import notify  # noqa: F401
