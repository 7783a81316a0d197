"""A synchronous face on nats-py: one asyncio loop in a thread of its own, called from Django code.

The relay and the consumer are plain synchronous Django code (the ORM, `transaction.atomic()`);
only the broker's client is asynchronous. Each call here hands a coroutine to the loop thread and
waits for its result, so no ORM call ever runs inside the event loop (docs/events.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import nats
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import api
from nats.js.errors import NotFoundError

logger = logging.getLogger(__name__)
T = TypeVar("T")
DAY_SECONDS = 24 * 3600
DUPLICATE_WINDOW_SECONDS = 120


class BrokerUnavailable(Exception):
    """The broker did not answer (down, restarting, unreachable) or refused the request."""


@dataclass(frozen=True)
class Outgoing:
    subject: str
    payload: bytes
    msg_id: str


@dataclass(frozen=True)
class StreamSettings:
    name: str
    subjects: tuple[str, ...] = ("shop.>",)
    max_age_days: int = 7
    replicas: int = 1


class Broker:
    """A NATS connection with JetStream, usable from any thread; `close()` when done."""

    def __init__(self, url: str, *, name: str, timeout: float = 2.0):
        self.url = url
        self.name = name
        self.timeout = timeout
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name=f"nats-{name}")
        self._thread.start()
        self._nc: Any = None
        self._js: Any = None

    # -- plumbing ------------------------------------------------------------------------------

    def _run(self, coroutine: Coroutine[Any, Any, T], *, timeout: float | None = None) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout=(timeout or self.timeout) + 5)
        except (NatsTimeoutError, TimeoutError) as error:
            future.cancel()
            raise BrokerUnavailable(f"no answer from {self.url}") from error
        except (nats.errors.Error, OSError) as error:
            raise BrokerUnavailable(f"{type(error).__name__}: {error}") from error

    @property
    def connected(self) -> bool:
        return self._nc is not None and self._nc.is_connected

    def connect(self) -> None:
        """Connect once; afterwards the client reconnects by itself while the broker is away."""
        if self._nc is not None:
            return

        async def connect():
            async def disconnected():
                logger.warning("event broker disconnected", extra={"broker": self.url})

            async def reconnected():
                logger.warning("event broker reconnected", extra={"broker": self.url})

            async def error(exc):
                logger.debug("event broker client error: %s", exc)

            return await nats.connect(
                servers=[self.url], name=self.name, connect_timeout=self.timeout,
                allow_reconnect=True, max_reconnect_attempts=-1, reconnect_time_wait=0.5,
                disconnected_cb=disconnected, reconnected_cb=reconnected, error_cb=error)

        self._nc = self._run(connect(), timeout=self.timeout * 2)
        self._js = self._nc.jetstream(timeout=self.timeout)

    def close(self) -> None:
        if self._nc is not None:
            with contextlib.suppress(BrokerUnavailable):
                self._run(self._nc.close())
            self._nc = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    # -- the stream ----------------------------------------------------------------------------

    def ensure_stream(self, stream: StreamSettings) -> None:
        """Create the stream unless it exists (whoever connects first creates it)."""
        async def ensure():
            try:
                await self._js.stream_info(stream.name)
                return
            except NotFoundError:
                pass
            config = api.StreamConfig(
                name=stream.name, subjects=list(stream.subjects),
                storage=api.StorageType.FILE, retention=api.RetentionPolicy.LIMITS,
                max_age=stream.max_age_days * DAY_SECONDS, num_replicas=stream.replicas,
                duplicate_window=DUPLICATE_WINDOW_SECONDS)
            try:
                await self._js.add_stream(config)
            except nats.js.errors.BadRequestError as error:
                if error.err_code != 10058:  # created meanwhile by another process
                    raise

        self._run(ensure())

    # -- publishing ----------------------------------------------------------------------------

    def publish_in_order(self, messages: Sequence[Outgoing]) -> tuple[int, Exception | None]:
        """Publish one after the other, each waiting for its ack; stop at the first failure.

        Returns how many were stored (or recognised as duplicates) and the failure, if any.
        """
        async def publish_all():
            done = 0
            for message in messages:
                try:
                    await self._js.publish(message.subject, message.payload,
                                           timeout=self.timeout,
                                           headers={"Nats-Msg-Id": message.msg_id})
                except Exception as error:
                    return done, error
                done += 1
            return done, None

        return self._run(publish_all(), timeout=self.timeout * max(1, len(messages)))

    # -- consuming -----------------------------------------------------------------------------

    def pull_consumer(self, *, stream: str, durable: str, subjects: Sequence[str],
                      ack_wait: float, max_ack_pending: int) -> Any:
        """Create or update the durable pull consumer and bind to it.

        At most `max_ack_pending` messages in flight, handled in stream order (see
        common.events.consumer.EventConsumer for how a failure keeps that order).
        """
        async def bind():
            config = api.ConsumerConfig(
                durable_name=durable, deliver_policy=api.DeliverPolicy.ALL,
                ack_policy=api.AckPolicy.EXPLICIT, ack_wait=ack_wait, max_deliver=-1,
                max_ack_pending=max_ack_pending, filter_subjects=sorted(subjects))
            await self._js.add_consumer(stream, config)
            return await self._js.pull_subscribe_bind(durable=durable, stream=stream)

        return self._run(bind())

    def fetch(self, subscription: Any, *, batch: int, wait: float) -> list[Any]:
        """What is there now, up to `batch`; else wait up to `wait` s for the first one."""
        async def fetch():
            try:
                return await subscription.fetch(batch, timeout=wait)
            except (NatsTimeoutError, TimeoutError):
                # Nothing arrived in time. nats-py raises its own TimeoutError or, from some
                # paths of a batch fetch, asyncio's (the built-in TimeoutError): both mean an
                # idle stream, not a broker that went away.
                return []

        return self._run(fetch(), timeout=wait + self.timeout)

    def unsubscribe(self, subscription: Any) -> None:
        """Best effort: a subscription given up on after a failure."""
        with contextlib.suppress(Exception):
            self._run(subscription.unsubscribe())

    def ack(self, *messages: Any) -> None:
        """Acknowledge each message, in order, in one hop to the loop."""
        async def ack_all():
            for message in messages:
                await message.ack()

        self._run(ack_all())

    def nak(self, *messages: Any, delay: float) -> None:
        """Hand the messages back, in order, each to be redelivered after `delay` s."""
        async def nak_all():
            for message in messages:
                await message.nak(delay=delay)

        self._run(nak_all())

    def term(self, message: Any) -> None:
        self._run(message.term())

    def consumer_info(self, *, stream: str, durable: str) -> Any:
        return self._run(self._js.consumer_info(stream, durable))

    def stream_info(self, name: str) -> Any:
        return self._run(self._js.stream_info(name))
