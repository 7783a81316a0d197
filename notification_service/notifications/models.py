"""Notifications, and the local copies of users and references they are addressed with."""

import uuid

from django.db import models
from django.utils import timezone


class NotificationKind(models.TextChoices):
    WELCOME = "welcome", "Welcome"
    ORDER_CONFIRMATION = "order_confirmation", "Order confirmation"
    PURCHASE_SHIPPED = "purchase_shipped", "Purchase on its way"
    PURCHASE_FAILED = "purchase_failed", "Purchase failed"
    REFUND = "refund", "Refund"


class ChannelStatus(models.TextChoices):
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class Recipient(models.Model):
    """What this service knows of a user, from `shop.user.*` events (may be seconds old)."""

    user_id = models.UUIDField(primary_key=True)
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200, blank=True, default="")
    role = models.CharField(max_length=16, default="USER")
    is_active = models.BooleanField(default=True)
    # The time of the event the copy was last taken from: an older event never overwrites it.
    as_of = models.DateTimeField()

    def __str__(self) -> str:
        return self.email


class CustomerReference(models.Model):
    """An order or purchase id seen in an event, with its user: addresses a refund whose
    payment event names no user."""

    reference_id = models.UUIDField(primary_key=True)
    user_id = models.UUIDField()

    def __str__(self) -> str:
        return str(self.reference_id)


class Notification(models.Model):
    """One message to one user, kept in-app and sent by email; one per (event, kind)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user_id = models.UUIDField()
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    channels = models.JSONField(default=dict)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    event_id = models.UUIDField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["event_id", "kind"],
                                               name="notification_once_per_event_and_kind")]
        indexes = [models.Index(fields=["user_id", "-created_at"], name="notification_user_new"),
                   models.Index(fields=["user_id", "-created_at"], name="notification_user_unread",
                                condition=models.Q(read_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"
