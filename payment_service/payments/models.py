"""Payments held or charged on a card, and the history of operations on each."""

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from common.money import DECIMAL_PLACES, TOTAL_DIGITS
from payments import states

# Payments carry whole orders: the same Decimal(16, 2) as order_service's totals. The largest
# order (50 lines of 1,000 at 99,999,999.99: 4,999,999,999,500.00) is well below MAX_AMOUNT,
# and every amount up to it has at most 15 significant digits, which SQLite's REAL (the local
# database) stores and reads back exactly.
MAX_AMOUNT = Decimal("9999999999999.99")
CURRENCY = "BRL"


class Payment(models.Model):
    """One card payment; `reference` is the caller's idempotency key (the purchase id)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=255, unique=True)
    user_id = models.UUIDField(null=True, blank=True, db_index=True,
                               help_text="The customer, when the caller named one.")
    amount = models.DecimalField(max_digits=TOTAL_DIGITS, decimal_places=DECIMAL_PLACES,
                                 help_text="Authorized amount; never changes afterwards.")
    currency = models.CharField(max_length=3, default=CURRENCY)
    status = models.CharField(max_length=20, choices=states.CHOICES, default=states.PENDING,
                              db_index=True)
    card_brand = models.CharField(max_length=20)
    card_last4 = models.CharField(max_length=4)
    captured_amount = models.DecimalField(max_digits=TOTAL_DIGITS,
                                          decimal_places=DECIMAL_PLACES, default=Decimal("0.00"))
    refunded_amount = models.DecimalField(max_digits=TOTAL_DIGITS,
                                          decimal_places=DECIMAL_PLACES, default=Decimal("0.00"))
    decline_reason = models.CharField(max_length=50, blank=True, default="")
    provider_reference = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at"], name="payments_created_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(condition=Q(captured_amount__lte=F("amount")),
                                   name="payments_captured_within_amount"),
            models.CheckConstraint(condition=Q(refunded_amount__gte=0)
                                   & Q(refunded_amount__lte=F("captured_amount")),
                                   name="payments_refunded_within_captured"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.status})"

    @property
    def refundable_amount(self) -> Decimal:
        return self.captured_amount - self.refunded_amount


class Operation(models.Model):
    """One operation asked of the provider and what came of it."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="operations")
    kind = models.CharField(max_length=20, choices=states.OPERATIONS)
    amount = models.DecimalField(max_digits=TOTAL_DIGITS, decimal_places=DECIMAL_PLACES,
                                 null=True, blank=True)
    outcome = models.CharField(max_length=20, help_text="succeeded or declined")
    reason = models.CharField(max_length=50, blank=True, default="")
    # A refund's caller key: the same key again answers the payment without a second refund.
    idempotency_key = models.CharField(max_length=255, blank=True, default="")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "idempotency_key"],
                                    condition=~Q(idempotency_key=""),
                                    name="payments_operation_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.outcome}"
