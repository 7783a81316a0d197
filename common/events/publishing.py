"""`publish`: write an event to the outbox in the caller's transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from common.db.inserts import insert_rows
from common.events.envelope import build_envelope
from common.events.schemas import InvalidEvent, schema_for, validate_event


def publish(*, type: str, subject: str, data: dict[str, Any], using: str = "default") -> dict:
    """Record the event `type` about aggregate `subject` with payload `data`; return its envelope.

    Call it inside the `transaction.atomic()` that makes the change: the outbox row commits or
    rolls back with it, and the relay (`manage.py run_events`) sends only committed rows. Outside
    a transaction the row is written at once (autocommit), which is what a one-statement change
    gets anyway. An unknown type, or data that breaks the type's schema when EVENT_VALIDATE is
    on (the default), raises InvalidEvent.
    """
    from common.events.models import OutboxEvent

    schema_for(type)  # an unknown type always raises
    envelope = build_envelope(type=type, subject=subject, data=data)
    if getattr(settings, "EVENT_VALIDATE", True):
        validate_event(envelope)
    insert_rows([OutboxEvent(event_id=envelope["id"], type=type, subject=envelope["subject"],
                             envelope=envelope)], using=using)
    return envelope


__all__ = ["InvalidEvent", "publish"]
