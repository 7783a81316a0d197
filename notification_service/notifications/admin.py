"""Django admin for notifications and the local user copy (inbox and dead letters: common)."""

from django.contrib import admin

from notifications.models import CustomerReference, Notification, Recipient


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications come from events."""

    list_display = ["created_at", "kind", "user_id", "title", "email_status", "read_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["user_id", "title", "event_id"]
    readonly_fields = ["id", "user_id", "kind", "title", "body", "channels", "read_at",
                       "created_at", "event_id"]
    date_hierarchy = "created_at"

    @admin.display(description="email")
    def email_status(self, notification):
        return notification.channels.get("email", "")

    def has_add_permission(self, request):
        return False


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    """The copy kept from `shop.user.*` events; user_service owns the real record."""

    list_display = ["email", "name", "role", "is_active", "as_of"]
    search_fields = ["email", "name", "user_id"]
    readonly_fields = ["user_id", "email", "name", "role", "is_active", "as_of"]

    def has_add_permission(self, request):
        return False


@admin.register(CustomerReference)
class CustomerReferenceAdmin(admin.ModelAdmin):
    list_display = ["reference_id", "user_id"]
    search_fields = ["reference_id", "user_id"]

    def has_add_permission(self, request):
        return False
