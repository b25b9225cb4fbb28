"""API permissions. Visibility and rights are the scoping module's; these classes only say who may
call an endpoint at all (the lifecycle checks each change again). Staff in general: HasStaffScope in
districts.api_permissions, which the units registry shares."""

from rest_framework.permissions import BasePermission

from complaints import scoping


class IsHQ(BasePermission):
    message = "Only the HQ cell may do this."

    def has_permission(self, request, view):
        return scoping.is_hq(request.user)

