"""HQ's read-only view of the alerts sent: who was told what, on which channel, and what failed (with the
error), to answer "was the district told?"."""

from django.contrib import admin

from .notification_models import Delivery, Notification


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = readonly_fields = ("channel", "status", "attempts", "last_error", "sent_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ("created_at", "kind", "key", "recipient", "email", "level", "unit", "read_at")
    list_filter = ("kind", "level")
    search_fields = ("key", "email", "recipient__username", "data")
    raw_id_fields = ("recipient", "complaint", "unit")
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ("notification", "channel", "status", "attempts", "last_error", "sent_at")
    list_filter = ("channel", "status")
