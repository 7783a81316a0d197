"""The supplier's stock per product, its providers per region, and the orders it accepted."""

import uuid

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from common.idempotency.models import ReferencedRecord

STATE_CODE = RegexValidator(r"^[A-Z]{2}$", "A two-letter upper-case state code is required.")


class SupplierProduct(models.Model):
    """How many units of one catalog product the supplier can still sell."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    product_id = models.UUIDField(unique=True)
    stock = models.IntegerField(default=0, validators=[MinValueValidator(0)])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["product_id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stock__gte=0),
                                   name="supplier_product_stock_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} ({self.stock})"


class Provider(models.Model):
    """The supplier's provider for one Brazilian state, with its pickup address there."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    state = models.CharField(max_length=2, unique=True, validators=[STATE_CODE])
    provider_name = models.CharField(max_length=200)
    street = models.CharField(max_length=200)
    number = models.CharField(max_length=20)
    complement = models.CharField(max_length=200, blank=True)
    district = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=120)
    zip_code = models.CharField(max_length=9, validators=[
        RegexValidator(r"^\d{5}-\d{3}$", "A CEP like 01310-100 is required.")])
    country = models.CharField(max_length=2, default="BR")
    lead_time_days = models.PositiveSmallIntegerField(default=3)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["state"]

    def __str__(self) -> str:
        return f"{self.state}: {self.provider_name}"


class SupplierOrderStatus(models.TextChoices):
    CONFIRMED = "CONFIRMED", "Confirmed"
    CANCELLED = "CANCELLED", "Cancelled"


class SupplierOrder(ReferencedRecord):
    """Goods bought from the supplier; `reference` is the caller's idempotency key."""

    order_number = models.CharField(max_length=16, unique=True)
    status = models.CharField(max_length=10, choices=SupplierOrderStatus.choices,
                              default=SupplierOrderStatus.CONFIRMED)
    estimated_ship_date = models.DateField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta(ReferencedRecord.Meta):
        indexes = [models.Index(fields=["-created_at"], name="supplier_order_created_idx")]

    def __str__(self) -> str:
        return self.order_number


class SupplierOrderLine(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(SupplierOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    product_id = models.UUIDField()
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "product_id"],
                                    name="supplier_order_line_product_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1),
                                   name="supplier_order_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.product_id} x {self.quantity}"
