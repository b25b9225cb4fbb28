"""The one place that decides which complaints a user may see and what they may do to them.

Admin, dashboard, API and exports all start from `visible_complaints(user)` and ask `allowed_actions`
before changing anything; the lifecycle module asks it again, so no caller can go around it.

Roles (districts.StaffProfile):
- HQ operator / HQ supervisor (and superusers): every complaint; every action.
- Unit cell staff: complaints routed to their unit (or to a unit under it, such as a commissionerate's
  traffic wing); the district actions (noted, station, report, resolve, close, class, Dial 112 hand-off).
- Supervisor of a range, zone or commissionerate: complaints of the units below, read-only (nudge only).
A unit's cell page (its contacts and police stations): HQ and the unit's own cell change it, supervisors above
it read it (`can_manage_cell`, `can_view_cell`).
- A unit's supervising officer (SP/SSP/CP or a designated officer; Role.APPROVER): complaints of their unit
  (and the units under it); approves or returns the station reports that wait for them (001 §6), and
  nudges. Nobody else may approve or return a report, HQ included: the point is the SP's own sign-off.
Restricted complaints are hidden from everyone but HQ supervisors, superusers and staff marked
`sees_restricted` in the complaint's own unit.
"""

from django.db.models import Q

from districts.models import Role

from .models import Complaint

HQ_ACTIONS = frozenset({
    "forward", "note", "assign_station", "report", "resolve", "close", "reject", "merge", "transfer", "reopen",
    "set_category", "set_priority", "set_restricted", "add_note", "nudge", "request_transfer", "hand_to_112",
})
CELL_ACTIONS = frozenset({
    "note", "assign_station", "report", "resolve", "close", "set_category", "add_note", "request_transfer",
    "hand_to_112",
})
SUPERVISOR_ACTIONS = frozenset({"nudge"})
APPROVER_ACTIONS = frozenset({"approve_report", "return_report", "nudge"})


def staff_profile(user):
    """The StaffProfile of an active, logged-in user, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return getattr(user, "staff_profile", None)


def is_hq(user) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    profile = staff_profile(user)
    return bool(profile and profile.is_hq)


def sees_all_restricted(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    profile = staff_profile(user)
    return user.is_superuser or bool(profile and profile.role == Role.HQ_SUPERVISOR)


def visible_unit_ids(user):
    """Unit ids whose complaints the user may see; None means every unit (HQ)."""
    if is_hq(user):
        return None
    profile = staff_profile(user)
    if profile is None:
        return []
    if profile.role in (Role.CELL, Role.APPROVER):
        return profile.unit.subtree_ids()
    if profile.role == Role.SUPERVISOR:
        return profile.unit.descendant_ids() or [profile.unit_id]
    return []


def visible_complaints(user, queryset=None):
    """Every complaint the user may see. Anonymous users and logins without a profile see nothing."""
    qs = Complaint.objects.all() if queryset is None else queryset
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    unit_ids = visible_unit_ids(user)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    if sees_all_restricted(user):
        return qs
    profile = staff_profile(user)
    if profile is not None and profile.sees_restricted and not profile.is_hq:
        return qs.filter(Q(is_restricted=False) | Q(unit_id=profile.unit_id))
    return qs.filter(is_restricted=False)


def can_see(user, complaint) -> bool:
    return visible_complaints(user, Complaint.objects.filter(pk=complaint.pk)).exists()


def allowed_actions(user, complaint) -> frozenset:
    """The actions this user may take on this complaint (whatever its state allows)."""
    if not can_see(user, complaint):
        return frozenset()
    if is_hq(user):
        return HQ_ACTIONS
    profile = staff_profile(user)
    if profile.role == Role.CELL:
        return CELL_ACTIONS
    if profile.role == Role.SUPERVISOR:
        return SUPERVISOR_ACTIONS
    if profile.role == Role.APPROVER:
        return APPROVER_ACTIONS
    return frozenset()


def can_change(user, complaint, action=None) -> bool:
    actions = allowed_actions(user, complaint)
    return bool(actions) if action is None else action in actions


def can_manage_cell(user, unit) -> bool:
    """Whether the user may change a unit's cell page (its contacts, their confirmation, its police
    stations): HQ, and the cell staff of that very unit."""
    if is_hq(user):
        return True
    profile = staff_profile(user)
    return bool(profile and profile.role == Role.CELL and profile.unit_id == unit.pk)


def can_view_cell(user, unit) -> bool:
    """Whether the user may read a unit's cell page: those who may change it, and the supervisors of the
    units above it (a range, a zone, a commissionerate), read-only. Contacts are personal data: nobody else."""
    if can_manage_cell(user, unit):
        return True
    profile = staff_profile(user)
    return bool(profile and profile.role == Role.SUPERVISOR and unit.pk in profile.unit.descendant_ids())
