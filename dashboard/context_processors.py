from django.conf import settings
from django.urls import reverse

from complaints import scoping

from . import ingest_bridge, notify, roles, urgent

CODE = "UPP-00000-00000"


def navigation(request):
    """Which menu entries a login gets; the views check the same rules again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    alarms, staff = 0, roles.is_staff_member(user)
    visible = scoping.visible_complaints(user) if staff else None
    if roles.is_hq(user) or roles.is_cell(user):
        # One count query per page: the shift sees urgent complaints left without action from anywhere.
        alarms = urgent.nav_count(request, visible)
    budget = None
    if roles.is_hq(user) and settings.X_MONTHLY_BUDGET_USD is not None:
        # Only with a budget set: one sum over the month's X bill, for the banner at 80% and 100%.
        budget = ingest_bridge.x_budget()
    return {
        # The bell: one count query per page over the login's own unread items (a partial index).
        "nav_unread": notify.unread_count(user, visible) if staff else 0,
        "nav_x_budget": budget if budget and budget["level"] in ("warning", "stopped") else None,
        "nav_alarms": alarms,
        "nav_hq": roles.is_hq(user),
        "nav_cell": roles.is_cell(user),
        "nav_supervisor": roles.is_supervisor(user),
        "nav_approver": roles.is_approver(user),
        "nav_staff": roles.is_staff_member(user),
        "nav_profile": roles.profile(user),
        # "/c/": list templates build complaint links from it instead of reversing a URL for every row.
        "c_base": reverse("dashboard:complaint", args=[CODE])[: -len(CODE) - 1],
    }
