"""The catalog (products and their stock) and the stock reservations held for orders."""

import uuid

from django.db import models
from django.db.models import Q

from common.lines import product_line_constraints
from common.money import DECIMAL_PLACES, PRICE_DIGITS


class Product(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    price = models.DecimalField(max_digits=PRICE_DIGITS, decimal_places=DECIMAL_PLACES)
    stock = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0),
                                   name="products_product_price_positive"),
            models.CheckConstraint(condition=Q(stock__gte=0),
                                   name="products_product_stock_non_negative"),
        ]
        indexes = [models.Index(fields=["-created_at"], name="products_product_created_idx")]

    def __str__(self) -> str:
        return self.name


class Reservation(models.Model):
    """Stock held for one reference (an order id); released at most once."""

    reference = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


class ReservationLine(models.Model):
    # A plain id, not a foreign key: deleting a product must not be blocked by old reservations.
    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="lines")
    product_id = models.UUIDField()
    quantity = models.PositiveIntegerField()
    # The product's name and price when the stock was reserved: the order is priced with them,
    # and a replayed reservation answers them again. Null price: a line reserved before they
    # were kept.
    name = models.CharField(max_length=200, blank=True, default="")
    unit_price = models.DecimalField(max_digits=PRICE_DIGITS,
                                     decimal_places=DECIMAL_PLACES, null=True, blank=True)

    class Meta:
        ordering = ["product_id"]
        constraints = product_line_constraints(parent="reservation")

    def __str__(self) -> str:
        return f"{self.product_id} x{self.quantity}"
