"""The outbox, inbox and dead-letter tables every service gets from the `common` app."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboxEvent(models.Model):
    """An event written in the transaction of the change it reports; the relay sends it later.

    The auto-increment id is the relay's order: rows are published oldest first.
    """

    event_id = models.UUIDField(unique=True)
    type = models.CharField(max_length=100)
    subject = models.CharField(max_length=200)
    envelope = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    publish_attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        app_label = "common"
        ordering = ["id"]
        verbose_name = "outbox event"
        indexes = [
            models.Index(fields=["id"], name="common_outbox_unsent",
                         condition=models.Q(sent_at__isnull=True)),
            models.Index(fields=["sent_at"], name="common_outbox_sent_at"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.subject} ({'sent' if self.sent_at else 'pending'})"


class InboxEvent(models.Model):
    """An event this service has handled: its id is written with the handler's effect."""

    event_id = models.UUIDField(primary_key=True)
    type = models.CharField(max_length=100)
    subject = models.CharField(max_length=200)
    source = models.CharField(max_length=100)
    stream_sequence = models.BigIntegerField(null=True, blank=True)
    handled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "common"
        ordering = ["-handled_at"]
        verbose_name = "inbox event"

    def __str__(self) -> str:
        return f"{self.type} {self.subject}"


class DeadLetter(models.Model):
    """An event the consumer failed to handle EVENT_MAX_DELIVER times, kept for a replay."""

    event_id = models.UUIDField(unique=True)
    type = models.CharField(max_length=100)
    subject = models.CharField(max_length=200)
    source = models.CharField(max_length=100)
    envelope = models.JSONField()
    error = models.TextField()
    attempts = models.PositiveIntegerField(default=0)
    stream_sequence = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    replayed_at = models.DateTimeField(null=True, blank=True)
    replay_error = models.TextField(blank=True, default="")

    class Meta:
        app_label = "common"
        ordering = ["-created_at"]
        verbose_name = "dead letter"

    def __str__(self) -> str:
        return f"{self.type} {self.subject}"
