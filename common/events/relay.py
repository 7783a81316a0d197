"""The relay: committed outbox rows, oldest first, published with the event id as Nats-Msg-Id."""

from __future__ import annotations

import json
import logging
import zlib
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from common.events.broker import Broker, Outgoing
from common.events.metrics import EVENTS_PUBLISHED
from common.events.models import OutboxEvent

logger = logging.getLogger(__name__)
# One relay at a time per database (several worker replicas keep the order): a transaction-level
# advisory lock on PostgreSQL. SQLite serialises writers by itself.
RELAY_LOCK_KEY = zlib.crc32(b"common.events.relay")


class RelayFailed(Exception):
    """Some rows could not be published; they stay unsent and are tried again after a pause."""


def _take_relay_lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [RELAY_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def outbox_relay_batch(*, broker: Broker, batch: int) -> int:
    """Publish up to `batch` unsent rows in id order and mark them sent; return how many.

    A row is marked sent only after the broker acknowledged it; a crash in between publishes it
    again with the same Nats-Msg-Id, which the broker drops as a duplicate (and consumers' inboxes
    would skip anyway). Raises RelayFailed at the first row the broker does not take.
    """
    with transaction.atomic():
        if not _take_relay_lock():
            return 0
        rows = list(OutboxEvent.objects.filter(sent_at__isnull=True).order_by("id")[:batch])
        if not rows:
            return 0
        done, error = broker.publish_in_order([
            Outgoing(subject=row.type, payload=json.dumps(row.envelope).encode(),
                     msg_id=str(row.event_id)) for row in rows])
        if done:
            OutboxEvent.objects.filter(id__in=[row.id for row in rows[:done]]).update(
                sent_at=timezone.now(), publish_attempts=F("publish_attempts") + 1)
            for row in rows[:done]:
                EVENTS_PUBLISHED.labels(settings.SERVICE_NAME, row.type).inc()
        if error is not None:
            failed = rows[done]
            OutboxEvent.objects.filter(id=failed.id).update(
                publish_attempts=F("publish_attempts") + 1,
                last_error=f"{type(error).__name__}: {error}"[:2000])
    if error is not None:
        raise RelayFailed(f"{done} of {len(rows)} published; then {type(error).__name__}: {error}")
    return done


def outbox_prune(*, older_than_days: int) -> int:
    """Delete rows sent more than `older_than_days` ago (the stream keeps events that long)."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = OutboxEvent.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
