"""Times as people read them: Indian Standard Time, and in Hindi the months' full names as the force writes
them (Django's own Hindi month names are misspelt: "दिसमबर")."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

HINDI_MONTHS = ("जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर",
                "दिसंबर")


def ist(value):
    """'23 Nov 2026, 14:05 IST', or in Hindi '23 नवंबर 2026, 14:05 बजे IST'; "" for no time."""
    if not value:
        return ""
    local = timezone.localtime(value)
    if (get_language() or "").startswith("hi"):
        return f"{local.day} {HINDI_MONTHS[local.month - 1]} {local.year}, {local:%H:%M} बजे IST"
    return f"{date_format(local, 'j M Y, H:i')} IST"


def day(value):
    """A day as a chart's axis shows it: '1 Dec', or in Hindi '1 दिसंबर' (the month's full name)."""
    if (get_language() or "").startswith("hi"):
        return f"{value.day} {HINDI_MONTHS[value.month - 1]}"
    return date_format(value, "j M")
