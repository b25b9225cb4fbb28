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
    "escalation_step": _("Escalated to the next level"),
    "hand_to_112": _("Handed over to Dial 112"),
    "citizen_satisfied": _("Complainant says satisfied"),
    "reopen_requested": _("Asked to look at it again"),
    "disposal_reported": _("Unit reported disposal on X"),
    "filed_again": _("Same tweet filed again by someone who may not see this complaint"),
    "deleted_on_x": _("Deleted on X"),
    "merged_automatically": _("Follow-up merged in (it arrived before its original)"),
    "merged_in": _("A duplicate's thread moved here"),
    "text_cut": _("Text shortened to X's longest post"),
    "found_by_watch": _("Found on X by a watch"),
    "submit_report": _("Report sent to the supervising officer for approval"),
    "return_report": _("Report returned by the supervising officer"),
}
# An approval is recorded as the change it makes ("report" or "resolve", with data["approved"]), so that
# the public page, the closing tweet and the tallies follow as they do without approval; the timeline
# says that it was an approval.
APPROVED_LABELS = {
    "report": _("Report approved by the supervising officer"),
    "resolve": _("Report approved by the supervising officer; resolved"),
}
