"""Django admin for orders: browse and search; status moves go through the API only."""

from django.contrib import admin

from orders.models import IdempotencyKey, Order, OrderItem, OrderStatusChange


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    can_delete = False
    readonly_fields = ["product_id", "name", "unit_price", "quantity", "line_total"]

    def has_add_permission(self, request, obj=None):
        return False


class OrderStatusChangeInline(admin.TabularInline):
    model = OrderStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "at", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["id", "user_id", "status", "total_amount", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["=id", "=user_id", "items__name"]
    ordering = ["-created_at"]
    readonly_fields = ["id", "user_id", "status", "total_amount", "purchase_id", "created_at",
                       "updated_at"]
    inlines = [OrderItemInline, OrderStatusChangeInline]

    def has_add_permission(self, request):
        return False


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ["key", "user_id", "order", "created_at"]
    search_fields = ["=key", "=user_id"]
    readonly_fields = ["key", "user_id", "request_hash", "order", "created_at"]

    def has_add_permission(self, request):
        return False
