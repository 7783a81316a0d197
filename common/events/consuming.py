"""Handling one event: inbox row and handler effect in one transaction; dead letters; replay."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from common.events.metrics import EVENT_LATENCY, EVENTS_CONSUMED
from common.events.models import DeadLetter, InboxEvent
from common.request_id import request_id_var

logger = logging.getLogger(__name__)
HANDLED = "handled"
DUPLICATE = "duplicate"
IGNORED = "ignored"


def handler_for(event_type: str):
    """The callable EVENT_HANDLERS names for a type, or None."""
    path = settings.EVENT_HANDLERS.get(event_type)
    return import_string(path) if path else None


def handled_types() -> list[str]:
    return sorted(settings.EVENT_HANDLERS)


def inbox_handle(*, envelope: dict[str, Any], stream_sequence: int | None = None) -> str:
    """Run the type's handler once per event id: HANDLED, DUPLICATE (seen before) or IGNORED.

    The inbox row is inserted first, so a second delivery running at the same moment waits on
    its unique key and then finds the first one's row; the handler's exception rolls both back
    (the caller's transaction, or a savepoint of it).
    """
    handler = handler_for(envelope["type"])
    if handler is None:
        return IGNORED
    token = request_id_var.set(envelope.get("requestid"))
    try:
        with transaction.atomic():
            if _inbox_insert(envelope, stream_sequence):
                handler(envelope)
                outcome = HANDLED
            else:
                outcome = DUPLICATE
    finally:
        request_id_var.reset(token)
    EVENTS_CONSUMED.labels(settings.SERVICE_NAME, envelope["type"], outcome).inc()
    if outcome == HANDLED:
        _observe_latency(envelope)
    return outcome


def _inbox_insert(envelope: dict[str, Any], stream_sequence: int | None) -> bool:
    """Insert the event's inbox row unless it is there: True when this call inserted it.

    One statement (INSERT … ON CONFLICT DO NOTHING RETURNING) instead of a savepoint around an
    INSERT that may fail: a consumer runs it for every event.
    """
    meta = InboxEvent._meta
    values = {"event_id": uuid.UUID(str(envelope["id"])), "type": envelope["type"],
              "subject": envelope.get("subject", ""), "source": envelope.get("source", ""),
              "stream_sequence": stream_sequence, "handled_at": timezone.now()}
    columns = [meta.get_field(name) for name in values]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))}) "
           f"ON CONFLICT ({quote(meta.get_field('event_id').column)}) DO NOTHING "
           f"RETURNING {quote(meta.get_field('event_id').column)}")
    params = [field.get_db_prep_save(values[field.name], connection) for field in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


def _observe_latency(envelope: dict[str, Any]) -> None:
    try:
        published = datetime.fromisoformat(envelope["time"].replace("Z", "+00:00"))
    except (KeyError, ValueError, AttributeError):
        return
    EVENT_LATENCY.labels(settings.SERVICE_NAME, envelope["type"]).observe(
        max(0.0, (timezone.now() - published).total_seconds()))


def dead_letter_create(*, envelope: dict[str, Any], error: str, attempts: int,
                       stream_sequence: int | None = None) -> DeadLetter:
    """Keep an event the handler keeps failing on; a second failure updates the same row."""
    letter, _ = DeadLetter.objects.update_or_create(
        event_id=envelope["id"],
        defaults={"type": envelope.get("type", ""), "subject": envelope.get("subject", ""),
                  "source": envelope.get("source", ""), "envelope": envelope,
                  "error": error[:10_000], "attempts": attempts,
                  "stream_sequence": stream_sequence, "created_at": timezone.now(),
                  "replayed_at": None, "replay_error": ""})
    logger.error("event dead-lettered", extra={"event_id": envelope["id"],
                                               "event_type": envelope.get("type")})
    return letter


def dead_letter_replay(*, dead_letter: DeadLetter) -> str:
    """Hand the event to its handler again (through the inbox, so at most once).

    On success the letter is marked replayed; on failure the error is kept on it and raised.
    """
    try:
        outcome = inbox_handle(envelope=dead_letter.envelope,
                               stream_sequence=dead_letter.stream_sequence)
    except Exception as error:
        dead_letter.replay_error = f"{type(error).__name__}: {error}"[:10_000]
        dead_letter.save(update_fields=["replay_error"])
        raise
    if outcome == IGNORED:
        dead_letter.replay_error = f"no handler for {dead_letter.type} in this service"
        dead_letter.save(update_fields=["replay_error"])
        return outcome
    dead_letter.replayed_at = timezone.now()
    dead_letter.replay_error = ""
    dead_letter.save(update_fields=["replayed_at", "replay_error"])
    return outcome
