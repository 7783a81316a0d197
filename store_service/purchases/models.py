"""Purchases: one fulfilment of a pending order, its partner answers and its state history."""

import uuid
from decimal import Decimal

from django.db import models
from django.utils import timezone

from common.money import DECIMAL_PLACES, TOTAL_DIGITS
from purchases import states


class Purchase(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user_id = models.UUIDField(db_index=True)
    order_id = models.UUIDField(db_index=True)
    # The customer's address (the carrier's destination).
    street = models.CharField(max_length=200)
    number = models.CharField(max_length=20)
    complement = models.CharField(max_length=200, blank=True, default="")
    district = models.CharField(max_length=100, blank=True, default="")
    city = models.CharField(max_length=100)
    address_state = models.CharField(max_length=2, db_column="address_state")
    zip_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, default="BR")
    # The order's lines as order_service gave them when the purchase was made.
    items = models.JSONField(default=list)
    state = models.CharField(max_length=20, choices=states.CHOICES, default=states.INITIAL,
                             db_index=True)
    info_order = models.JSONField(null=True, blank=True)
    info_provider = models.JSONField(null=True, blank=True)
    info_delivery = models.JSONField(null=True, blank=True)
    # payment_service's last answer about this purchase's payment: {id, status, amount,
    # card_last4, reason?}; null until a payment exists.
    payment = models.JSONField(null=True, blank=True)
    # The provider's card token, kept only until the authorization answered (a retry needs it).
    card_token = models.CharField(max_length=100, blank=True, default="")
    # A FAILED purchase whose supplier order, payment or order is not yet released: the worker
    # retries the compensation until it is done.
    compensation_pending = models.BooleanField(default=False, db_index=True)
    voucher = models.ForeignKey("vouchers.Voucher", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="purchases")
    voucher_code = models.CharField(max_length=50, blank=True, default="")
    subtotal = models.DecimalField(max_digits=TOTAL_DIGITS, decimal_places=DECIMAL_PLACES)
    discount = models.DecimalField(max_digits=TOTAL_DIGITS, decimal_places=DECIMAL_PLACES,
                                   default=Decimal("0.00"))
    total = models.DecimalField(max_digits=TOTAL_DIGITS, decimal_places=DECIMAL_PLACES)
    failure_reason = models.TextField(blank=True, default="")
    last_error = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The trace that created the purchase (W3C headers), so resumed work links back to it.
    trace_context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One active purchase per order: a FAILED one does not count.
            models.UniqueConstraint(fields=["order_id"], condition=~models.Q(state=states.FAILED),
                                    name="purchases_one_active_per_order"),
        ]
        indexes = [
            models.Index(fields=["-created_at"], name="purchases_created_idx"),
            models.Index(fields=["user_id", "-created_at"], name="purchases_user_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.state})"

    @property
    def address(self) -> dict:
        return {"street": self.street, "number": self.number, "complement": self.complement,
                "district": self.district, "city": self.city, "state": self.address_state,
                "zip_code": self.zip_code, "country": self.country}


class PurchaseHistory(models.Model):
    purchase = models.ForeignKey(Purchase, on_delete=models.CASCADE, related_name="history")
    # null marks the creation row (the contract renders it as `"from": null`).
    from_state = models.CharField(  # noqa: DJ001
        max_length=20, choices=states.CHOICES, null=True, blank=True)
    to_state = models.CharField(max_length=20, choices=states.CHOICES)
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "purchase histories"

    def __str__(self) -> str:
        return f"{self.from_state} -> {self.to_state}"
