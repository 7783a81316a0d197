"""The consumer: a durable JetStream pull consumer named after the service, one event at a time."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import traceback
from typing import Any

from django.conf import settings
from django.db import transaction

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
    """Fetch a batch, handle it in stream order in one transaction, ack after the commit.

    Each event runs in a savepoint of the batch's transaction (inbox row + effect), so one
    commit covers the batch. When an event's handler fails, the events before it commit and are
    acked; it and the rest of the batch are handed back (nak) with the same delay, so nothing
    of its batch overtakes it (a message fetched later may: docs/events.md). After
    EVENT_MAX_DELIVER failures of the same event it is dead-lettered and the rest of the batch
    goes on at once. Failures are counted here, per event id: a message's own
    delivery count also grows while it waits behind a failing one.
    """

    def __init__(self, broker: Broker, *, subscription: Any):
        self.broker = broker
        self.subscription = subscription
        self.service = settings.SERVICE_NAME
        self.max_deliver = settings.EVENT_MAX_DELIVER
        self.retry_base = settings.EVENT_RETRY_SECONDS
        self.batch = settings.EVENT_CONSUMER_BATCH
        self.failures: dict[str, int] = {}

    def consume_batch(self, *, wait: float) -> int:
        """Handle what arrives within `wait` s (up to a batch); return how many were handled
        or dead-lettered."""
        messages = self.broker.fetch(self.subscription, batch=self.batch, wait=wait)
        if not messages:
            return 0
        return self.process(messages)

    def process(self, messages: list[Any]) -> int:
        done: list[Any] = []
        failed: tuple[int, dict[str, Any], Exception] | None = None
        with transaction.atomic():
            for index, message in enumerate(messages):
                envelope = decode(message)
                try:
                    if "raw" in envelope:
                        raise ValueError("the message is not a CloudEvents JSON envelope")
                    with consumer_span(envelope):
                        inbox_handle(envelope=envelope,
                                     stream_sequence=message.metadata.sequence.stream)
                except Exception as error:
                    failed = (index, envelope, error)
                    break
                done.append(message)
        if done:
            self.broker.ack(*done)
            if self.failures:
                for message in done:
                    self.failures.pop(decode(message)["id"], None)
        if failed is None:
            return len(done)
        index, envelope, error = failed
        return len(done) + self._failed(messages[index], envelope, error, messages[index + 1:])

    def _failed(self, message: Any, envelope: dict[str, Any], error: Exception,
                behind: list[Any]) -> int:
        EVENTS_FAILED.labels(self.service, envelope["type"]).inc()
        tries = self.failures.get(envelope["id"], 0) + 1
        if tries >= self.max_deliver or "raw" in envelope:
            dead_letter_create(envelope=envelope, attempts=tries,
                               error="".join(traceback.format_exception(error)),
                               stream_sequence=message.metadata.sequence.stream)
            EVENTS_DEAD_LETTERED.labels(self.service, envelope["type"]).inc()
            self.failures.pop(envelope["id"], None)
            self.broker.term(message)
            return 1 + (self.process(behind) if behind else 0)
        if len(self.failures) > 10_000:  # ids of events dead-lettered or handled elsewhere
            self.failures.clear()
        self.failures[envelope["id"]] = tries
        delay = retry_delay(deliveries=tries, base=self.retry_base)
        logger.warning("event handler failed (try %s of %s, next in %.1f s): %s",
                       tries, self.max_deliver, delay, error,
                       extra={"event_id": envelope["id"], "event_type": envelope["type"]})
        self.broker.nak(message, *behind, delay=delay)
        return 0
