"""Django admin for supplier stock, providers and supplier orders."""

from django.contrib import admin

from supplier.models import Provider, SupplierOrder, SupplierOrderLine, SupplierProduct


@admin.register(SupplierProduct)
class SupplierProductAdmin(admin.ModelAdmin):
    list_display = ["product_id", "stock", "updated_at"]
    search_fields = ["product_id"]
    readonly_fields = ["id", "created_at", "updated_at"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["state", "provider_name", "city", "zip_code", "lead_time_days"]
    search_fields = ["state", "provider_name", "city"]
    readonly_fields = ["id", "created_at", "updated_at"]


class SupplierOrderLineInline(admin.TabularInline):
    model = SupplierOrderLine
    fields = ["position", "product_id", "quantity"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SupplierOrder)
class SupplierOrderAdmin(admin.ModelAdmin):
    """Read-only: orders change through the API so stock stays consistent."""

    list_display = ["order_number", "reference", "status", "estimated_ship_date", "created_at"]
    list_filter = ["status"]
    search_fields = ["order_number", "reference"]
    readonly_fields = ["id", "order_number", "reference", "status", "estimated_ship_date",
                       "cancelled_at", "created_at", "updated_at"]
    inlines = [SupplierOrderLineInline]

    def has_add_permission(self, request):
        return False


@admin.register(SupplierOrderLine)
class SupplierOrderLineAdmin(admin.ModelAdmin):
    list_display = ["order", "product_id", "quantity"]
    search_fields = ["order__order_number", "product_id"]
    readonly_fields = ["id", "order", "position", "product_id", "quantity"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
