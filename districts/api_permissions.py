"""Who may call the staff API at all, shared by the units registry (districts.api) and the complaints API;
what each login then sees is complaints.scoping's."""

from rest_framework.permissions import BasePermission


class HasStaffScope(BasePermission):
    """Logged-in staff with a unit (or superusers); a login with no profile sees nothing anyway, but is
    refused outright so that it does not look like an empty desk."""

    message = "This login has no unit; ask HQ to set up its staff profile."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        return user.is_superuser or hasattr(user, "staff_profile")
