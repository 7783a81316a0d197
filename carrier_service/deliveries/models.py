"""Deliveries the carrier has scheduled."""

import uuid

from django.db import models


class DeliveryStatus(models.TextChoices):
    SCHEDULED = "SCHEDULED", "Scheduled"


class Delivery(models.Model):
    """One booked delivery; `reference` is the caller's idempotency key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tracking_code = models.CharField(max_length=13, unique=True)
    reference = models.CharField(max_length=255, unique=True)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.SCHEDULED)
    origin = models.JSONField(help_text="The pickup address.")
    destination = models.JSONField(help_text="The delivery address.")
    items = models.JSONField(help_text="[{product_id, quantity}]")
    items_count = models.PositiveIntegerField(help_text="Units to carry: the sum of quantities.")
    estimated_delivery_date = models.DateField()
    cost = models.DecimalField(max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["-created_at"], name="deliveries_created_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(cost__gte=0),
                                   name="deliveries_cost_non_negative"),
        ]

    def __str__(self) -> str:
        return self.tracking_code
