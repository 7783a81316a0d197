"""The consumer: a durable JetStream pull consumer named after the service, one event at a time."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import traceback
from typing import Any

from django.conf import settings
from django.db import close_old_connections

from common.events.broker import Broker
from common.events.consuming import dead_letter_create, inbox_handle
from common.events.metrics import EVENTS_DEAD_LETTERED, EVENTS_FAILED

logger = logging.getLogger(__name__)
MAX_RETRY_DELAY = 60.0


def retry_delay(*, deliveries: int, base: float) -> float:
    """Exponential backoff between tries of a failing event: base, 2 base, 4 base … ≤ 60 s."""
    return min(MAX_RETRY_DELAY, base * (2 ** max(0, deliveries - 1)))


@contextlib.contextmanager
def consumer_span(envelope: dict[str, Any]):
    """The handler's span as a child of the publishing request's span (tracing on only)."""
    trace = sys.modules.get("opentelemetry.trace")
    if trace is None or not envelope.get("traceparent"):
        yield
        return
    from opentelemetry import propagate

    carrier = {"traceparent": envelope["traceparent"]}
    if envelope.get("tracestate"):
        carrier["tracestate"] = envelope["tracestate"]
    tracer = trace.get_tracer("common.events")
    with tracer.start_as_current_span(
            f"consume {envelope.get('type')}", context=propagate.extract(carrier),
            kind=trace.SpanKind.CONSUMER,
            attributes={"messaging.system": "nats", "messaging.message.id": envelope.get("id", ""),
                        "messaging.destination.name": envelope.get("type", "")}):
        yield


def decode(message: Any) -> dict[str, Any]:
    """The CloudEvents envelope carried by a message (a broken one is still kept, as `raw`)."""
    try:
        envelope = json.loads(message.data)
        if isinstance(envelope, dict) and envelope.get("id") and envelope.get("type"):
            return envelope
    except (ValueError, UnicodeDecodeError):
        pass
    meta = message.metadata
    return {"id": f"00000000-0000-0000-0000-{meta.sequence.stream:012d}",
            "type": message.subject, "subject": "", "source": "",
            "raw": message.data.decode("utf-8", errors="replace")}


class EventConsumer:
    """Fetch, handle (inbox + effect in one transaction), then ack; retry or dead-letter."""

    def __init__(self, broker: Broker, *, subscription: Any):
        self.broker = broker
        self.subscription = subscription
        self.service = settings.SERVICE_NAME
        self.max_deliver = settings.EVENT_MAX_DELIVER
        self.retry_base = settings.EVENT_RETRY_SECONDS

    def consume_one(self, *, wait: float) -> bool:
        """Handle the next message if one arrives within `wait` s; True when one was handled."""
        message = self.broker.fetch_one(self.subscription, wait=wait)
        if message is None:
            return False
        close_old_connections()
        self.process(message)
        return True

    def process(self, message: Any) -> None:
        envelope = decode(message)
        meta = message.metadata
        deliveries = meta.num_delivered
        try:
            if "raw" in envelope:
                raise ValueError("the message is not a CloudEvents JSON envelope")
            with consumer_span(envelope):
                inbox_handle(envelope=envelope, stream_sequence=meta.sequence.stream)
        except Exception as error:
            EVENTS_FAILED.labels(self.service, envelope["type"]).inc()
            close_old_connections()
            if deliveries >= self.max_deliver or "raw" in envelope:
                dead_letter_create(envelope=envelope, attempts=deliveries,
                                   error="".join(traceback.format_exception(error)),
                                   stream_sequence=meta.sequence.stream)
                EVENTS_DEAD_LETTERED.labels(self.service, envelope["type"]).inc()
                self.broker.term(message)
                return
            delay = retry_delay(deliveries=deliveries, base=self.retry_base)
            logger.warning("event handler failed (try %s of %s, next in %.1f s): %s",
                           deliveries, self.max_deliver, delay, error,
                           extra={"event_id": envelope["id"], "event_type": envelope["type"]})
            self.broker.nak(message, delay=delay)
            return
        self.broker.ack(message)
