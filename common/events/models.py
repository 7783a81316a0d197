"""The outbox, inbox and dead-letter tables every service gets from the `common` app."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class EventRow(models.Model):
    """What every event table keeps of an event besides its id: its type and subject."""

    type = models.CharField(max_length=100)
    subject = models.CharField(max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.type} {self.subject}"


class ReceivedEventRow(EventRow):
    """An event read from the stream: also who published it and where in the stream it was."""

    source = models.CharField(max_length=100)
    stream_sequence = models.BigIntegerField(null=True, blank=True)

    class Meta:
        abstract = True


class OutboxEvent(EventRow):
    """An event written in the transaction of the change it reports; the relay sends it later.

    The auto-increment id is the relay's order: rows are published oldest first.
    """

    event_id = models.UUIDField(unique=True)
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


class InboxEvent(ReceivedEventRow):
    """An event this service has handled: its id is written with the handler's effect."""

    event_id = models.UUIDField(primary_key=True)
    handled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "common"
        ordering = ["-handled_at"]
        verbose_name = "inbox event"


class DeadLetter(ReceivedEventRow):
    """An event the consumer failed to handle EVENT_MAX_DELIVER times, kept for a replay."""

    event_id = models.UUIDField(unique=True)
    envelope = models.JSONField()
    error = models.TextField()
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    replayed_at = models.DateTimeField(null=True, blank=True)
    replay_error = models.TextField(blank=True, default="")

    class Meta:
        app_label = "common"
        ordering = ["-created_at"]
        verbose_name = "dead letter"
