"""Model permissions that follow the staff role, so a new HQ login needs a profile, not a list of ticks.

Added to Django's ModelBackend (which still honours permissions and groups set by hand in the admin).
What a login may see and change among complaints is decided by complaints.scoping, not here."""

from django.contrib.auth.backends import BaseBackend

from .models import Role

HQ_APPS = ("districts", "complaints", "twitter_ingest", "dashboard")
# Tokens and the security record are the owner's and the superusers' business, not a role's.
SUPERUSER_MODELS = ("apitoken", "securityevent")
OPERATOR_PERMS = {
    "complaints.view_complaint", "complaints.add_complaint", "complaints.change_complaint",
    "complaints.view_event", "complaints.view_message", "complaints.view_category",
    "districts.view_unit", "districts.view_xaccount", "districts.view_policestation", "districts.view_cellcontact",
}
UNIT_PERMS = {"complaints.view_complaint", "complaints.change_complaint", "complaints.view_event",
              "districts.view_unit", "districts.view_policestation"}


def role_permissions(user):
    profile = getattr(user, "staff_profile", None)
    if profile is None or not user.is_active:
        return None, set()
    if profile.role == Role.HQ_SUPERVISOR:
        return "all", set()
    if profile.role == Role.HQ_OPERATOR:
        return None, OPERATOR_PERMS
    if profile.role in (Role.CELL, Role.SUPERVISOR):
        return None, UNIT_PERMS
    return None, set()


class RolePermissionBackend(BaseBackend):
    def has_perm(self, user_obj, perm, obj=None):
        scope, perms = role_permissions(user_obj)
        if scope == "all":
            app, codename = perm.split(".", 1)
            return app in HQ_APPS and not codename.endswith(SUPERUSER_MODELS)
        return perm in perms

    def has_module_perms(self, user_obj, app_label):
        scope, perms = role_permissions(user_obj)
        if scope == "all":
            return app_label in HQ_APPS
        return any(p.startswith(app_label + ".") for p in perms)
