from django.apps import AppConfig


class SevaConfig(AppConfig):
    """The project package as an app, so that its system checks (seva.checks) are registered."""

    name = "seva"
    verbose_name = "UP Police Twitter Seva"

    def ready(self):
        from . import checks  # noqa: F401
        from .ingest_link import connect_dashboard

        connect_dashboard()
