"""Readable, translatable names for event actions (the audit trail stores the bare action name)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "file": _("Filed"),
    "forward": _("Forwarded"),
    "note": _("Noted"),
    "assign_station": _("Police station assigned"),
    "report": _("Action-taken report filed"),
    "resolve": _("Resolved"),
    "close": _("Closed"),
    "reject": _("Rejected"),
    "merge": _("Marked as duplicate"),
    "transfer": _("Transferred"),
    "reopen": _("Reopened"),
    "set_category": _("Class set"),
    "set_priority": _("Priority set"),
    "set_restricted": _("Restricted marking changed"),
    "suggest_unit": _("Unit suggested"),
    "add_note": _("Internal note"),
    "nudge": _("Nudged by supervisor"),
    "request_transfer": _("Transfer requested"),
    "escalated": _("Escalated: past the deadline"),
}
