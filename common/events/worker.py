"""The event worker of one service: the outbox relay and, when it has handlers, the consumer.

Two threads of one process (`manage.py run_events`), each with its own database connection,
sharing one broker connection whose asyncio loop runs in a third thread. Both back off while the
broker is away and pick up where they were when it is back.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connection

from common.events.broker import Broker, BrokerUnavailable, StreamSettings
from common.events.consumer import EventConsumer
from common.events.consuming import handled_types
from common.events.relay import RelayFailed, outbox_prune, outbox_relay_batch

logger = logging.getLogger(__name__)
PRUNE_EVERY_SECONDS = 600.0


def stream_settings() -> StreamSettings:
    return StreamSettings(name=settings.EVENT_STREAM,
                          max_age_days=settings.EVENT_STREAM_MAX_AGE_DAYS,
                          replicas=settings.EVENT_STREAM_REPLICAS)


class Backoff:
    """Jittered exponential pauses while something keeps failing; reset by a success."""

    def __init__(self, *, first: float = 0.2, cap: float = 10.0):
        self.first, self.cap, self.current = first, cap, 0.0

    def failed(self) -> float:
        self.current = min(self.cap, self.current * 2 if self.current else self.first)
        return self.current * random.uniform(0.5, 1.0)

    def succeeded(self) -> None:
        self.current = 0.0


class EventWorker:
    """Runs the relay and the consumer until `stop` is set."""

    def __init__(self, *, relay: bool = True, consume: bool = True, url: str | None = None):
        self.url = url or settings.NATS_URL
        self.relay = relay
        self.consume = consume and bool(handled_types())
        self.stop = threading.Event()
        self.broker = Broker(self.url, name=f"{settings.SERVICE_NAME}-events")
        self._connected = threading.Lock()
        self._stream_ready = False

    # -- connection ----------------------------------------------------------------------------

    def _ensure_connected(self) -> None:
        """Connect and make sure the stream exists: once, and again after a failure."""
        with self._connected:
            self.broker.connect()
            if not self._stream_ready:
                self.broker.ensure_stream(stream_settings())
                self._stream_ready = True

    def _broker_failed(self) -> None:
        self._stream_ready = False  # it may have been lost with the broker: check it again

    # -- loops ---------------------------------------------------------------------------------

    def run_relay(self) -> None:
        interval = settings.EVENT_RELAY_INTERVAL
        batch = settings.EVENT_RELAY_BATCH
        backoff = Backoff(cap=settings.EVENT_RELAY_MAX_BACKOFF)
        next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
        while not self.stop.is_set():
            try:
                close_old_connections()
                self._ensure_connected()
                sent = outbox_relay_batch(broker=self.broker, batch=batch)
                backoff.succeeded()
                if time.monotonic() > next_prune:
                    outbox_prune(older_than_days=settings.EVENT_OUTBOX_RETENTION_DAYS)
                    next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
                if sent < batch:
                    self.stop.wait(interval)
            except (BrokerUnavailable, RelayFailed) as error:
                self._broker_failed()
                pause = backoff.failed()
                logger.warning("relay: broker unavailable, next try in %.1f s: %s", pause, error)
                self.stop.wait(pause)
            except Exception:
                pause = backoff.failed()
                logger.exception("relay: unexpected failure, next try in %.1f s", pause)
                self.stop.wait(pause)
        connection.close()

    def run_consumer(self) -> None:
        backoff = Backoff(cap=settings.EVENT_RELAY_MAX_BACKOFF)
        subscription = None
        while not self.stop.is_set():
            try:
                if subscription is None:
                    self._ensure_connected()
                    subscription = self.broker.pull_consumer(
                        stream=settings.EVENT_STREAM, durable=settings.SERVICE_NAME,
                        subjects=handled_types(), ack_wait=settings.EVENT_ACK_WAIT_SECONDS,
                        max_ack_pending=settings.EVENT_CONSUMER_BATCH)
                    logger.info("consumer %s bound to %s", settings.SERVICE_NAME,
                                ", ".join(handled_types()))
                consumer = EventConsumer(self.broker, subscription=subscription)
                while not self.stop.is_set():
                    if consumer.consume_batch(wait=1.0):
                        close_old_connections()
                    backoff.succeeded()
            except BrokerUnavailable as error:
                pause = backoff.failed()
                logger.warning("consumer: broker unavailable, next try in %.1f s: %s",
                               pause, error)
                subscription = self._drop(subscription)
                self.stop.wait(pause)
            except Exception:
                pause = backoff.failed()
                logger.exception("consumer: unexpected failure, next try in %.1f s", pause)
                subscription = self._drop(subscription)
                self.stop.wait(pause)
        connection.close()

    def _drop(self, subscription) -> None:
        """Forget the subscription after a failure: the next try binds again, recreating the
        stream and the durable consumer if the broker lost them."""
        self._broker_failed()
        if subscription is not None:
            self.broker.unsubscribe(subscription)
        return None

    def run(self, *, on_start: Callable[[], None] | None = None) -> None:
        """Start the loops in threads and wait until `stop` is set; then close the connection."""
        loops = []
        if self.relay:
            loops.append(threading.Thread(target=self.run_relay, name="events-relay"))
        if self.consume:
            loops.append(threading.Thread(target=self.run_consumer, name="events-consumer"))
        for loop in loops:
            loop.start()
        if on_start:
            on_start()
        try:
            while not self.stop.is_set():
                self.stop.wait(0.5)
        finally:
            self.stop.set()
            for loop in loops:
                loop.join(timeout=10)
            self.broker.close()
