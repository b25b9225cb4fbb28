from django.contrib import admin

from .models import CellContact, PoliceStation, StaffProfile, Unit, XAccount


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
    list_display = ("name_en", "name_hi", "unit_type", "parent", "handles", "is_active")
    list_filter = ("unit_type", "is_active")
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


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "role", "sees_restricted")
    list_filter = ("role", "sees_restricted")
    search_fields = ("user__username", "unit__name_en")
    autocomplete_fields = ("unit", "user")
