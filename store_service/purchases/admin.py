"""Django admin for purchases and their history (read-only: states move through the API)."""

from django.contrib import admin

from common.statemachine.admin import HistoryInline
from purchases.models import Purchase, PurchaseHistory


class PurchaseHistoryInline(HistoryInline):
    model = PurchaseHistory


@admin.register(Purchase)
class PurchaseAdmin(admin.ModelAdmin):
    ordering = ["-created_at"]
    list_display = ["id", "order_id", "user_id", "state", "total", "compensation_pending",
                    "attempts", "next_attempt_at", "created_at"]
    list_filter = ["state", "compensation_pending"]
    search_fields = ["id", "order_id", "user_id", "voucher_code"]
    inlines = [PurchaseHistoryInline]

    # The card token lives on the purchase only until the authorization answered.
    exclude = ["card_token"]

    def get_readonly_fields(self, request, obj=None):
        # The state machine owns `state`; nothing here may change it.
        return [field.name for field in self.model._meta.fields if field.name not in self.exclude]

    def has_add_permission(self, request):
        return False


@admin.register(PurchaseHistory)
class PurchaseHistoryAdmin(admin.ModelAdmin):
    ordering = ["-at"]
    list_display = ["purchase", "from_state", "to_state", "at", "note"]
    list_filter = ["to_state"]
    readonly_fields = ["purchase", "from_state", "to_state", "at", "note"]

    def has_add_permission(self, request):
        return False
