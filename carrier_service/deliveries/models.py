"""Deliveries the carrier has scheduled."""

from django.db import models

from common.idempotency.models import ReferencedRecord
from common.money import DECIMAL_PLACES, PRICE_DIGITS


class DeliveryStatus(models.TextChoices):
    SCHEDULED = "SCHEDULED", "Scheduled"


class Delivery(ReferencedRecord):
    """One booked delivery; `reference` is the caller's idempotency key."""

    tracking_code = models.CharField(max_length=13, unique=True)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.SCHEDULED)
    origin = models.JSONField(help_text="The pickup address.")
    destination = models.JSONField(help_text="The delivery address.")
    items = models.JSONField(help_text="[{product_id, quantity}]")
    items_count = models.PositiveIntegerField(help_text="Units to carry: the sum of quantities.")
    estimated_delivery_date = models.DateField()
    cost = models.DecimalField(max_digits=PRICE_DIGITS, decimal_places=DECIMAL_PLACES)

    class Meta(ReferencedRecord.Meta):
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["-created_at"], name="deliveries_created_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(cost__gte=0),
                                   name="deliveries_cost_non_negative"),
        ]

    def __str__(self) -> str:
        return self.tracking_code
