"""Customer orders, their lines (name and price copied at order time), idempotency keys, and
the local copy of which users exist (fed by user_service's events)."""

import uuid

from django.db import models
from django.db.models import Q

from common.lines import product_line_constraints
from common.money import DECIMAL_PLACES, PRICE_DIGITS, TOTAL_DIGITS
from orders.status import INITIAL, OrderStatus


class Order(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user_id = models.UUIDField()
    total_amount = models.DecimalField(max_digits=TOTAL_DIGITS, decimal_places=DECIMAL_PLACES)
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=INITIAL)
    # The purchase buying this order while it runs (learnt from the store's events): a pending
    # order that is being bought does not expire under the purchase.
    purchase_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user_id", "-created_at"], name="orders_order_user_created_idx"),
            models.Index(fields=["-created_at"], name="orders_order_created_idx"),
            # The pending expiry's scan: old pending orders, oldest first.
            models.Index(fields=["created_at"], condition=Q(status="pending"),
                         name="orders_order_pending_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total_amount__gte=0),
                                   name="orders_order_total_non_negative"),
            models.CheckConstraint(condition=Q(status__in=OrderStatus.values),
                                   name="orders_order_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product_id = models.UUIDField()
    name = models.CharField(max_length=200)
    unit_price = models.DecimalField(max_digits=PRICE_DIGITS, decimal_places=DECIMAL_PLACES)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=TOTAL_DIGITS, decimal_places=DECIMAL_PLACES)

    class Meta:
        ordering = ["id"]
        constraints = product_line_constraints(parent="order")

    def __str__(self) -> str:
        return f"{self.name} x{self.quantity}"


class IdempotencyKey(models.Model):
    """An `Idempotency-Key` a caller sent with a create, and the order it produced."""

    key = models.CharField(max_length=255)
    user_id = models.UUIDField()
    request_hash = models.CharField(max_length=64)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="idempotency_keys")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user_id", "key"],
                                    name="orders_idempotencykey_unique_per_user"),
        ]

    def __str__(self) -> str:
        return self.key


class OrderStatusChange(models.Model):
    """One move of an order's status (the first row records the creation: from null)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    # Null, not blank: the creation row comes from no state at all.
    from_state = models.CharField(  # noqa: DJ001
        max_length=20, choices=OrderStatus.choices, null=True)
    to_state = models.CharField(max_length=20, choices=OrderStatus.choices)
    at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["order", "at"], name="orders_statuschange_order_idx")]

    def __str__(self) -> str:
        return f"{self.from_state} -> {self.to_state}"


class KnownUser(models.Model):
    """What this service knows of one user: whether they may be ordered for.

    Written by the `shop.user.registered`/`shop.user.changed` handlers (the event wins: it
    overwrites) and, for a user no event has told of yet, by a successful lookup in
    user_service (it never overwrites). It may be seconds old: docs/catalog-and-orders.md."""

    class Source(models.TextChoices):
        EVENT = "event"
        LOOKUP = "lookup"

    user_id = models.UUIDField(primary_key=True)
    is_active = models.BooleanField()
    source = models.CharField(max_length=10, choices=Source.choices)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id} ({'active' if self.is_active else 'inactive'})"
