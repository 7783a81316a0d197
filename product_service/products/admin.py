"""Django admin for the catalog and stock reservations."""

from django.contrib import admin

from products.models import Product, Reservation, ReservationLine


class InStockFilter(admin.SimpleListFilter):
    title = "availability"
    parameter_name = "in_stock"

    def lookups(self, request, model_admin):
        return [("yes", "In stock"), ("no", "Out of stock")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(stock__gt=0)
        if self.value() == "no":
            return queryset.filter(stock=0)
        return queryset


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "price", "stock", "created_at", "updated_at"]
    list_filter = [InStockFilter, "created_at", "updated_at"]
    search_fields = ["name", "description", "=id"]
    ordering = ["-created_at"]
    readonly_fields = ["id", "created_at", "updated_at"]


class ReservationLineInline(admin.TabularInline):
    model = ReservationLine
    extra = 0
    readonly_fields = ["product_id", "quantity"]
    can_delete = False


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    """Read-only: stock moves only through the reservation API."""

    list_display = ["reference", "created_at", "released_at"]
    list_filter = [("released_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["=reference"]
    readonly_fields = ["reference", "created_at", "released_at"]
    inlines = [ReservationLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
