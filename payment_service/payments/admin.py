"""Django admin for payments and their operations (read-only: money moves through the API)."""

from django.contrib import admin

from payments.models import Operation, Payment


class OperationInline(admin.TabularInline):
    model = Operation
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "amount", "outcome", "reason", "idempotency_key", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    ordering = ["-created_at"]
    list_display = ["reference", "status", "amount", "captured_amount", "refunded_amount",
                    "card_brand", "card_last4", "created_at"]
    list_filter = ["status", "card_brand"]
    search_fields = ["id", "reference", "user_id"]
    inlines = [OperationInline]

    def get_readonly_fields(self, request, obj=None):
        # The state machine owns `status` and the amounts; nothing here may change them.
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False
