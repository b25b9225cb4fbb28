"""English as it is written in India: Django's English formats, with numbers grouped in lakhs and crores
(12,34,567) wherever a count is shown with |intcomma. USE_THOUSAND_SEPARATOR stays off, so ids, years and
form values are never grouped."""

from django.conf.locale.en.formats import *  # noqa: F401,F403

NUMBER_GROUPING = (3, 2, 0)
