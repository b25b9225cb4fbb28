"""What kind of dashboard user a login is. Visibility and rights stay in complaints.scoping; this only
chooses which pages a login gets (HQ's inbox, a unit's queue, a supervisor's view)."""

from django.core.exceptions import PermissionDenied

from complaints import scoping
from districts.models import Role


profile = scoping.staff_profile


def is_hq(user):
    return scoping.is_hq(user)


def is_cell(user):
    p = profile(user)
    return bool(p and p.role == Role.CELL and not user.is_superuser)


def is_supervisor(user):
    p = profile(user)
    return bool(p and p.role == Role.SUPERVISOR and not user.is_superuser)


def is_approver(user):
    """A unit's supervising officer (SP/SSP/CP) who approves its station reports."""
    p = profile(user)
    return bool(p and p.role == Role.APPROVER and not user.is_superuser)


def is_staff_member(user):
    return is_hq(user) or profile(user) is not None


def require(user, *checks):
    """Raise PermissionDenied unless one of the checks passes (the login is already known)."""
    if not any(check(user) for check in checks):
        raise PermissionDenied


def home_url_name(user):
    if is_hq(user):
        return "dashboard:inbox"
    if is_cell(user):
        return "dashboard:queue"
    if is_supervisor(user):
        return "dashboard:supervise"
    if is_approver(user):
        return "dashboard:approvals"
    return None
