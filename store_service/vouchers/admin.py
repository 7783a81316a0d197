"""Django admin for vouchers."""

from django.contrib import admin

from vouchers.models import Voucher


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    ordering = ["-created_at"]
    list_display = ["code", "percent_off", "amount_off", "valid_until", "uses", "max_uses",
                    "created_at"]
    search_fields = ["code"]
    readonly_fields = ["id", "uses", "created_at", "updated_at"]
