import gc
import io
import os

from django.conf import settings
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seva.settings")
application = get_wsgi_application()

# gunicorn runs no system checks of its own: in production, refuse to serve with a configuration that
# `manage.py check` refuses (a weak SECRET_KEY, no METRICS_TOKEN…; seva/checks.py). Raises SystemCheckError.
if settings.PRODUCTION:
    call_command("check", stdout=io.StringIO())

# Load every view module now, then freeze: what is loaded lives as long as the process, and frozen
# objects are not walked again by each full collection of the cyclic collector (on pages that build many
# objects, like the league table, that walk is a pause of tens of milliseconds every few requests).
get_resolver().url_patterns
gc.freeze()
