"""HQ's read-only view of the alerts sent: who was told what, on which channel, and what failed (with the
error), to answer "was the district told?"."""

from django.contrib import admin

from districts.admin import ReadOnlyAdmin

from .notification_models import Delivery, Notification


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = readonly_fields = ("channel", "status", "attempts", "last_error", "sent_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "key", "recipient", "email", "level", "unit", "read_at")
    list_filter = ("kind", "level")
    search_fields = ("key", "email", "recipient__username", "data")
    raw_id_fields = ("recipient", "complaint", "unit")
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("notification", "channel", "status", "attempts", "last_error", "sent_at")
    list_filter = ("channel", "status")
