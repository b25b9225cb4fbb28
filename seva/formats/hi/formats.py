"""Hindi: Django's Hindi formats, with numbers grouped in lakhs and crores (12,34,567) wherever a count is
shown with |intcomma (Django's own Hindi formats do not group at all)."""

from django.conf.locale.hi.formats import *  # noqa: F401,F403

NUMBER_GROUPING = (3, 2, 0)
