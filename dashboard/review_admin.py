"""The admin of the weekly review's rows: HQ edits the honour-roll rules; decided rolls and filed
reports are shown, never changed."""

from django.contrib import admin

from .review_models import HonourRoll, HonourRule, WeeklyReport


@admin.register(HonourRule)
class HonourRuleAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_hi", "method", "metric", "places", "min_received", "districts_only", "is_active")
    list_editable = ("is_active",)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HonourRoll)
class HonourRollAdmin(ReadOnly):
    list_display = ("month", "rule", "decided_at")
    list_filter = ("month",)


@admin.register(WeeklyReport)
class WeeklyReportAdmin(ReadOnly):
    list_display = ("week_start", "scope", "language", "filed_at", "filed_by")
    exclude = ("pdf",)
