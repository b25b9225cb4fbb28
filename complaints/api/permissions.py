"""API permissions. Visibility and rights are the scoping module's; these classes only say who may
call an endpoint at all (the lifecycle checks each change again)."""

from rest_framework.permissions import BasePermission

from complaints import scoping


class IsHQ(BasePermission):
    message = "Only the HQ cell may do this."

    def has_permission(self, request, view):
        return scoping.is_hq(request.user)


class HasStaffScope(BasePermission):
    """Logged-in staff with a unit (or superusers); a login with no profile sees nothing anyway, but is
    refused outright so that it does not look like an empty desk."""

    message = "This login has no unit; ask HQ to set up its staff profile."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        return user.is_superuser or hasattr(user, "staff_profile")
