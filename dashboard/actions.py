"""The complaint actions the dashboard offers: which form each takes and which lifecycle call it makes.
What a user sees on a complaint is lifecycle.allowed_in_state(status) ∩ scoping.allowed_actions(user, c)
for transitions, and scoping.allowed_actions for the changes that keep the state."""

from dataclasses import dataclass
from typing import Callable

from django.utils.translation import gettext_lazy as _

from complaints import lifecycle, scoping
from complaints.models import OPEN_STATUSES

from . import forms as f, urgent


@dataclass(frozen=True)
class Spec:
    label: str
    form: type
    run: Callable  # run(complaint, data, user) -> complaint
    transition: bool = True
    open_only: bool = True


def _forward(c, d, user):
    v = d["version"]
    if d.get("category") and (c.category is None or c.category.slug != d["category"]):
        c = lifecycle.set_category(c, d["category"], actor=user, expected_version=v)
        v = c.version
    if d.get("priority") and d["priority"] != c.priority:
        c = lifecycle.set_priority(c, d["priority"], actor=user, expected_version=v)
        v = c.version
    return lifecycle.forward(c, d["unit"], actor=user, expected_version=v, note=d.get("note", ""))


def _record(action, field):
    def run(c, d, user):
        lifecycle.record(c, action, actor=user, note=d.get(field, ""))
        return c
    return run


SPECS = {
    "forward": Spec(_("Forward"), f.ForwardForm, _forward),
    "reject": Spec(_("Reject"), f.RejectForm,
                   lambda c, d, u: lifecycle.reject(c, d["reason"], actor=u, expected_version=d["version"])),
    "note": Spec(_("Noted"), f.NotedForm,
                 lambda c, d, u: lifecycle.note(c, actor=u, tweet_id=d.get("tweet_id") or "",
                                                expected_version=d["version"])),
    "assign_station": Spec(_("Assign police station"), f.StationForm,
                           lambda c, d, u: lifecycle.assign_station(c, d["police_station"], actor=u,
                                                                    expected_version=d["version"])),
    "report": Spec(_("File action-taken report"), f.ReportForm,
                   lambda c, d, u: lifecycle.report(c, d["text"], actor=u, expected_version=d["version"])),
    "resolve": Spec(_("Resolve"), f.ResolveForm,
                    lambda c, d, u: lifecycle.resolve(c, actor=u, report=d.get("report") or None,
                                                      expected_version=d["version"])),
    "approve_report": Spec(_("Approve the report"), f.ApproveReportForm,
                           lambda c, d, u: lifecycle.approve_report(c, actor=u, expected_version=d["version"],
                                                                    note=d.get("note", ""))),
    "return_report": Spec(_("Return the report to the cell"), f.ReturnReportForm,
                          lambda c, d, u: lifecycle.return_report(c, d["reason"], actor=u,
                                                                  expected_version=d["version"])),
    "close": Spec(_("Close"), f.CloseForm,
                  lambda c, d, u: lifecycle.close(c, d["outcome"], fir_number=d.get("fir_number", ""), actor=u,
                                                  expected_version=d["version"]), open_only=False),
    "transfer": Spec(_("Transfer"), f.TransferForm,
                     lambda c, d, u: lifecycle.transfer(c, d["unit"], actor=u, expected_version=d["version"],
                                                        reason=d.get("reason", ""))),
    "merge": Spec(_("Mark as duplicate"), f.MergeForm,
                  lambda c, d, u: lifecycle.merge(c, d["into"], actor=u, expected_version=d["version"])),
    "reopen": Spec(_("Reopen"), f.ReopenForm,
                   lambda c, d, u: lifecycle.reopen(c, actor=u, reason=d["reason"], expected_version=d["version"]),
                   open_only=False),
    "set_category": Spec(_("Set class"), f.CategoryForm,
                         lambda c, d, u: lifecycle.set_category(c, d["category"], actor=u,
                                                                expected_version=d["version"]), transition=False),
    "set_priority": Spec(_("Set priority"), f.PriorityForm,
                         lambda c, d, u: lifecycle.set_priority(c, d["priority"], actor=u,
                                                                expected_version=d["version"]), transition=False),
    "set_restricted": Spec(_("Restricted marking"), f.RestrictedForm,
                           lambda c, d, u: lifecycle.set_restricted(c, d["restricted"], actor=u,
                                                                    expected_version=d["version"],
                                                                    note=d.get("note", "")),
                           transition=False, open_only=False),
    "hand_to_112": Spec(_("Hand over to Dial 112"), f.Dial112Form,
                        lambda c, d, u: lifecycle.hand_to_112(c, actor=u, note=d.get("note", ""),
                                                              reference=d.get("reference", ""),
                                                              expected_version=d["version"]),
                        transition=False),
    "add_note": Spec(_("Add internal note"), f.NoteTextForm,
                     lambda c, d, u: lifecycle.add_note(c, d["text"], actor=u), transition=False, open_only=False),
    "request_transfer": Spec(_("Ask HQ to transfer"), f.RequestTransferForm, _record("request_transfer", "reason"),
                             transition=False),
    "nudge": Spec(_("Nudge the unit"), f.NudgeForm, _record("nudge", "note"), transition=False),
}
# The order actions appear on a complaint page.
ORDER = list(SPECS)

# Changes that keep the state but only make sense where the lifecycle allows some transition: asking HQ to
# transfer where a transfer is possible, nudging a unit while the unit's own steps (Noted, station, report,
# resolve) are what the complaint waits for. The states come from lifecycle.allowed_in_state, not a copy.
NEEDS_ONE_OF = {
    "request_transfer": {"transfer"},
    "nudge": {"note", "assign_station", "report", "resolve"},
}


def available(user, complaint, allowed=None):
    """The actions to offer this user on this complaint, in page order."""
    allowed = scoping.allowed_actions(user, complaint) if allowed is None else allowed
    in_state = lifecycle.allowed_in_state(complaint.status)
    is_open = complaint.status in OPEN_STATUSES
    result = []
    for name in ORDER:
        spec = SPECS[name]
        if name not in allowed:
            continue
        if spec.transition and name not in in_state:
            continue
        if not spec.transition and spec.open_only and not is_open:
            continue
        if name in NEEDS_ONE_OF and not NEEDS_ONE_OF[name] & in_state:
            continue
        if name == "request_transfer" and "transfer" in allowed:
            continue  # whoever may transfer does so, rather than asking HQ (itself) to
        if name == "hand_to_112" and not urgent.is_urgent(complaint):
            continue
        result.append(name)
    return result


def build_form(name, complaint, data=None):
    spec = SPECS[name]
    kwargs = {}
    if spec.form is f.StationForm:
        kwargs["unit_ids"] = complaint.unit.subtree_ids() if complaint.unit_id else []
    initial = {"version": complaint.version}
    if name == "forward":
        initial.update(unit=(complaint.suggested_unit.display_name() if complaint.suggested_unit_id else ""),
                       category=complaint.category.slug if complaint.category_id else "",
                       priority=complaint.priority)
    elif name == "set_category" and complaint.category_id:
        initial["category"] = complaint.category.slug
    elif name == "set_priority":
        initial["priority"] = complaint.priority
    elif name == "set_restricted":
        initial["restricted"] = complaint.is_restricted
    elif name == "report":
        # A report the supervising officer returned is edited, not typed again.
        initial["text"] = complaint.pending_report or complaint.action_taken_report
    elif name == "resolve" and complaint.pending_report:
        initial["report"] = complaint.pending_report
    return spec.form(data, initial=initial, auto_id=f"id_{name}_%s", **kwargs)
