"""The admin of the weekly review's rows: HQ edits the honour-roll rules; decided rolls and filed
reports are shown, never changed."""

from django.contrib import admin

from districts.admin import ReadOnlyAdmin

from .review_models import HonourRoll, HonourRule, WeeklyReport


@admin.register(HonourRule)
class HonourRuleAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_hi", "method", "metric", "places", "min_received", "districts_only", "is_active")
    list_editable = ("is_active",)


@admin.register(HonourRoll)
class HonourRollAdmin(ReadOnlyAdmin):
    list_display = ("month", "rule", "decided_at")
    list_filter = ("month",)


@admin.register(WeeklyReport)
class WeeklyReportAdmin(ReadOnlyAdmin):
    list_display = ("week_start", "scope", "language", "filed_at", "filed_by")
    exclude = ("pdf",)
