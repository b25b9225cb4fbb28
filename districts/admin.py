from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import tokens
from .models import ApiToken, CellContact, CellEvent, PoliceStation, SecurityEvent, StaffProfile, Unit, XAccount


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record kept by the desk itself (an append-only trail, a result as it was filed): shown in the admin,
    never added, changed or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class XAccountInline(admin.TabularInline):
    model = XAccount
    extra = 0
    fields = ("handle", "user_id", "kind", "verified", "watched", "is_active", "source")


class CellContactInline(admin.TabularInline):
    model = CellContact
    extra = 0
    fields = ("staff_name", "designation", "cug_number", "email", "shift", "is_active")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_hi", "unit_type", "parent", "handles", "reports_need_approval", "is_active")
    list_filter = ("unit_type", "is_active", "reports_need_approval")
    search_fields = ("name_en", "name_hi", "slug", "accounts__handle")
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = ("parent",)
    inlines = [XAccountInline, CellContactInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent").prefetch_related("accounts")

    @admin.display(description="X accounts")
    def handles(self, obj):
        return ", ".join(f"@{a.handle}" for a in obj.accounts.all())


@admin.register(XAccount)
class XAccountAdmin(admin.ModelAdmin):
    list_display = ("handle", "unit", "kind", "user_id", "verified", "watched", "is_active")
    list_filter = ("kind", "verified", "watched", "is_active", "unit__unit_type")
    search_fields = ("handle", "user_id", "unit__name_en", "unit__name_hi")
    autocomplete_fields = ("unit",)


@admin.register(PoliceStation)
class PoliceStationAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_hi", "unit", "is_active")
    list_filter = ("is_active", "unit")
    search_fields = ("name_en", "name_hi", "unit__name_en")
    autocomplete_fields = ("unit",)


@admin.register(CellContact)
class CellContactAdmin(admin.ModelAdmin):
    list_display = ("staff_name", "designation", "unit", "cug_number", "email", "shift", "is_active")
    list_filter = ("shift", "is_active", "unit__unit_type")
    search_fields = ("staff_name", "cug_number", "email", "unit__name_en")
    autocomplete_fields = ("unit",)


@admin.register(CellEvent)
class CellEventAdmin(ReadOnlyAdmin):
    """The cell pages' record, to read: entries are made by districts.cell and districts.stations only."""

    list_display = ("created_at", "unit", "action", "actor_name", "subject")
    list_filter = ("action", "unit__unit_type")
    search_fields = ("unit__name_en", "actor_name", "subject")
    list_select_related = ("unit",)


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "role", "sees_restricted")
    list_filter = ("role", "sees_restricted")
    search_fields = ("user__username", "unit__name_en")
    autocomplete_fields = ("unit", "user")


class SuperuserOnly:
    """Tokens and the security record are for superusers only, whatever a role's model permissions."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)


@admin.register(ApiToken)
class ApiTokenAdmin(SuperuserOnly, ReadOnlyAdmin):
    """Tokens are made by their owners on the dashboard (the key is shown once, to them); here a
    superuser can see every token and revoke any."""

    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at", "revoked_by")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user", "revoked_by")
    actions = ["revoke_action"]

    def has_change_permission(self, request, obj=None):
        # The action needs a change right; every field stays read-only (no add, no change form fields).
        return self.has_module_permission(request)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_action(self, request, queryset):
        revoked = sum(tokens.revoke(token, request.user) for token in queryset.select_related("user"))
        self.message_user(request, ngettext("%(n)d token revoked.", "%(n)d tokens revoked.", revoked) % {"n": revoked},
                          messages.SUCCESS)


@admin.register(SecurityEvent)
class SecurityEventAdmin(SuperuserOnly, ReadOnlyAdmin):
    list_display = ("created_at", "action", "actor_name", "subject")
    list_filter = ("action",)
    search_fields = ("actor_name", "subject")


User = get_user_model()


def protected_references(users):
    """For each user, how many rows protect it from deletion (a foreign key with on_delete=PROTECT, such
    as the audit trail's actor), counted rather than listed: an HQ operator has acted thousands of times."""
    found = {}
    for relation in User._meta.related_objects:
        if relation.on_delete is not models.PROTECT:
            continue
        manager = relation.related_model._default_manager
        for user in users:
            count = manager.filter(**{relation.field.name: user}).count()
            if count:
                found.setdefault(user, []).append((relation.related_model._meta.verbose_name_plural, count))
    return found


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """A login that has acted on complaints is deactivated, never deleted: the audit trail names it."""

    def get_deleted_objects(self, objs, request):
        acted = protected_references(list(objs))
        if not acted:
            return super().get_deleted_objects(objs, request)
        protected = [
            _("%(user)s has acted (%(counts)s): untick “Active” to end the login instead.") % {
                "user": user.get_username(),
                "counts": ", ".join(f"{count} {name}" for name, count in counts),
            }
            for user, counts in acted.items()
        ]
        return [], {}, set(), protected
