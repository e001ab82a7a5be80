"""Staff see the consent ledger and delivery state, never addresses: no admin page lists subscribers."""

from django.contrib import admin

from .models import AlertDelivery, ConsentEvent, OutboxMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "event", "channel", "notice_version", "subject"]
    list_filter = ["event", "channel", "notice_version"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["call", "subscriber_id", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "call"]
    list_select_related = ["call"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "subscriber_id", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "kind"]
