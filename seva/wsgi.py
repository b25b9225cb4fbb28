import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seva.settings")
application = get_wsgi_application()

# Load every view module now, then freeze: what is loaded lives as long as the process, and frozen
# objects are not walked again by each full collection of the cyclic collector (on pages that build many
# objects, like the league table, that walk is a pause of tens of milliseconds every few requests).
get_resolver().url_patterns
gc.freeze()
