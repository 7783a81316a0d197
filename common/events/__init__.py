"""Events: publish through the transactional outbox, relay to NATS JetStream, consume once."""

from common.events.publishing import publish
from common.events.schemas import (
    InvalidEvent,
    event_types,
    schema_for,
    validate_data,
    validate_event,
)

__all__ = [
    "InvalidEvent",
    "event_types",
    "publish",
    "schema_for",
    "validate_data",
    "validate_event",
]
