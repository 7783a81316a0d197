"""Django admin for deliveries."""

from django.contrib import admin

from deliveries.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Read-only: deliveries are booked through the API, where cost and date are computed."""

    list_display = ["tracking_code", "reference", "status", "items_count", "cost",
                    "estimated_delivery_date", "created_at"]
    list_filter = ["status"]
    search_fields = ["tracking_code", "reference"]
    readonly_fields = ["id", "tracking_code", "reference", "status", "origin", "destination",
                       "items", "items_count", "estimated_delivery_date", "cost", "created_at",
                       "updated_at"]

    def has_add_permission(self, request):
        return False
