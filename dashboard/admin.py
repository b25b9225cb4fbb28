from django.contrib import admin

from .models import CannedReply, ShiftCalendar, SlaTarget


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    list_display = ("category", "priority", "forward_minutes", "noted_minutes", "resolution_minutes")
    list_filter = ("priority", "category")


@admin.register(ShiftCalendar)
class ShiftCalendarAdmin(admin.ModelAdmin):
    list_display = ("unit", "round_the_clock", "shifts")
    autocomplete_fields = ()
    raw_id_fields = ("unit",)


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "status", "is_active")
    list_filter = ("category", "status", "is_active")


from . import review_admin  # noqa: E402,F401  (honour-roll rules, decided rolls, filed weekly reports)
from . import notification_admin  # noqa: E402,F401  (alerts sent and their deliveries, read-only)
