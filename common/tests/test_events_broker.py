"""Relay and consumer against a real nats-server (started here on free ports)."""

import json
import shutil
import uuid

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import override_settings

from common.events import publish
from common.events.broker import Broker, BrokerUnavailable
from common.events.consumer import EventConsumer, retry_delay
from common.events.consuming import DUPLICATE, HANDLED, dead_letter_replay, inbox_handle
from common.events.models import DeadLetter, InboxEvent, OutboxEvent
from common.events.relay import RelayFailed, outbox_relay_batch
from common.events.worker import stream_settings
from common.tests import event_handlers
from launcher.broker import LocalBroker

pytestmark = pytest.mark.django_db(transaction=True)
HANDLERS = {"shop.product.changed": "common.tests.event_handlers.fragile",
            "shop.order.status_changed": "common.tests.event_handlers.record"}


def product(name, product_id=None):
    return {"product_id": product_id or str(uuid.uuid4()), "name": name, "description": "",
            "price": "1.00", "stock": 1, "deleted": False}


def status(order_id, user_id, old, new):
    return {"order_id": order_id, "user_id": user_id, "from": old, "to": new}


@pytest.fixture
def nats_server():
    with LocalBroker() as server:
        yield server


@pytest.fixture
def broker(nats_server):
    client = Broker(nats_server.url, name="common-tests", timeout=1.0)
    client.connect()
    client.ensure_stream(stream_settings())
    yield client
    client.close()


def stream_messages(broker):
    return broker.stream_info("SHOP").state.messages


def consumer_for(broker, **extra):
    with override_settings(EVENT_HANDLERS=HANDLERS, **extra):
        subscription = broker.pull_consumer(stream="SHOP", durable="common_tests",
                                            subjects=sorted(HANDLERS), ack_wait=2,
                                            max_ack_pending=64)
        return EventConsumer(broker, subscription=subscription)


def drain(consumer, *, handlers=HANDLERS, **extra):
    with override_settings(EVENT_HANDLERS=handlers, **extra):
        while consumer.consume_batch(wait=0.5):
            pass


def test_the_relay_publishes_committed_rows_in_order_and_marks_them_sent(broker):
    order_id, user_id = str(uuid.uuid4()), str(uuid.uuid4())
    with transaction.atomic():
        first = publish(type="shop.order.status_changed", subject=order_id,
                        data=status(order_id, user_id, "PENDING", "CONFIRMED"))
        second = publish(type="shop.order.status_changed", subject=order_id,
                         data=status(order_id, user_id, "CONFIRMED", "SHIPPED"))

    assert outbox_relay_batch(broker=broker, batch=10) == 2
    assert not OutboxEvent.objects.filter(sent_at__isnull=True).exists()
    assert stream_messages(broker) == 2

    consumer = consumer_for(broker)
    seen = []
    with override_settings(EVENT_HANDLERS=HANDLERS):
        for message in broker.fetch(consumer.subscription, batch=10, wait=1):
            seen.append(json.loads(message.data))
            assert message.headers["Nats-Msg-Id"] == seen[-1]["id"]
            broker.ack(message)
    assert [event["id"] for event in seen] == [first["id"], second["id"]]
    assert seen[0] == first


def test_a_row_published_again_is_dropped_by_the_broker_as_a_duplicate(broker):
    publish(type="shop.product.changed", subject="p1", data=product("mug"))
    outbox_relay_batch(broker=broker, batch=10)
    OutboxEvent.objects.update(sent_at=None)  # as if the relay died before marking it sent

    assert outbox_relay_batch(broker=broker, batch=10) == 1
    assert stream_messages(broker) == 1


def test_a_rolled_back_event_is_never_published(broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(type="shop.product.changed", subject="p1", data=product("ghost"))
        raise RuntimeError("the change fails")
    publish(type="shop.product.changed", subject="p2", data=product("real"))

    assert outbox_relay_batch(broker=broker, batch=10) == 1
    consumer = consumer_for(broker)
    drain(consumer)
    assert list(Group.objects.values_list("name", flat=True)) == [
        "shop.product.changed:p2:real"]


def test_the_relay_keeps_rows_while_the_broker_is_away_and_sends_them_after(nats_server):
    client = Broker(nats_server.url, name="common-tests", timeout=0.5)
    client.connect()
    client.ensure_stream(stream_settings())
    try:
        nats_server.stop()
        publish(type="shop.product.changed", subject="p1", data=product("a"))
        publish(type="shop.product.changed", subject="p2", data=product("b"))
        with pytest.raises(RelayFailed):
            outbox_relay_batch(broker=client, batch=10)
        pending = OutboxEvent.objects.filter(sent_at__isnull=True)
        assert pending.count() == 2
        assert pending.first().last_error and pending.first().publish_attempts == 1

        nats_server.start()
        sent = 0
        for _ in range(40):  # the client reconnects by itself
            try:
                sent += outbox_relay_batch(broker=client, batch=10)
            except (RelayFailed, BrokerUnavailable):
                continue
            if sent == 2:
                break
        assert sent == 2
        assert client.stream_info("SHOP").state.messages == 2
    finally:
        client.close()


def test_an_event_delivered_twice_is_handled_once():
    envelope = publish(type="shop.product.changed", subject="p1", data=product("twice"))
    with override_settings(EVENT_HANDLERS=HANDLERS):
        assert inbox_handle(envelope=envelope) == HANDLED
        assert inbox_handle(envelope=envelope) == DUPLICATE
    assert Group.objects.count() == 1
    assert InboxEvent.objects.filter(event_id=envelope["id"]).exists()


def test_a_failing_handler_leaves_no_inbox_row_and_no_effect():
    envelope = publish(type="shop.product.changed", subject="p1", data=product("poison"))
    event_handlers.BROKEN["on"] = True
    with override_settings(EVENT_HANDLERS=HANDLERS), pytest.raises(RuntimeError):
        inbox_handle(envelope=envelope)
    assert not InboxEvent.objects.exists() and not Group.objects.exists()


def test_a_poison_event_is_dead_lettered_after_max_tries_and_the_next_one_is_handled(broker):
    event_handlers.BROKEN["on"] = True
    publish(type="shop.product.changed", subject="p1", data=product("poison"))
    publish(type="shop.product.changed", subject="p2", data=product("fine"))
    outbox_relay_batch(broker=broker, batch=10)
    consumer = consumer_for(broker)
    settings = {"EVENT_MAX_DELIVER": 3, "EVENT_RETRY_SECONDS": 0.05}
    with override_settings(EVENT_HANDLERS=HANDLERS, **settings):
        consumer = EventConsumer(broker, subscription=consumer.subscription)
        handled = 0
        for _ in range(20):
            handled += consumer.consume_batch(wait=0.5)
            if Group.objects.exists():
                break

    letter = DeadLetter.objects.get()
    assert letter.attempts == 3 and "cannot handle a poison product" in letter.error
    assert letter.subject == "p1" and letter.replayed_at is None
    assert handled == 2  # the poison event (dead-lettered at its third try), then the next
    assert list(Group.objects.values_list("name", flat=True)) == [
        "shop.product.changed:p2:fine"]

    with override_settings(EVENT_HANDLERS=HANDLERS), pytest.raises(RuntimeError):
        dead_letter_replay(dead_letter=letter)
    letter.refresh_from_db()
    assert "poison" in letter.replay_error and letter.replayed_at is None

    event_handlers.BROKEN["on"] = False  # the cause is fixed
    try:
        with override_settings(EVENT_HANDLERS=HANDLERS):
            assert dead_letter_replay(dead_letter=letter) == HANDLED
            assert dead_letter_replay(dead_letter=letter) == DUPLICATE
    finally:
        event_handlers.BROKEN["on"] = True
    letter.refresh_from_db()
    assert letter.replayed_at is not None
    assert Group.objects.filter(name="shop.product.changed:p1:poison").count() == 1


def test_retries_back_off_exponentially_up_to_a_minute():
    assert [retry_delay(deliveries=n, base=1.0) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert retry_delay(deliveries=20, base=1.0) == 60.0


def test_metrics_show_the_outbox_lag_and_the_unsent_rows(client):
    from datetime import timedelta

    from django.utils import timezone

    publish(type="shop.product.changed", subject="p1", data=product("late"))
    OutboxEvent.objects.update(created_at=timezone.now() - timedelta(seconds=90))

    body = client.get("/metrics").content.decode()

    lag = next(line for line in body.splitlines()
               if line.startswith("events_outbox_lag_seconds{"))
    assert 89 < float(lag.rsplit(" ", 1)[1]) < 120
    assert 'events_outbox_unsent{service="common_tests"} 1.0' in body


def test_the_worker_waits_for_a_broker_that_starts_later_then_relays_and_consumes():
    import threading

    from common.events.worker import EventWorker
    from launcher.readiness import wait_until

    server = LocalBroker()  # its ports are chosen, nothing listens yet
    publish(type="shop.order.status_changed", subject="o1",
            data=status(str(uuid.uuid4()), str(uuid.uuid4()), "PENDING", "PAID"))
    with override_settings(EVENT_HANDLERS=HANDLERS, EVENT_RELAY_MAX_BACKOFF=0.5):
        worker = EventWorker(url=server.url)
        thread = threading.Thread(target=worker.run)
        thread.start()
        try:
            wait_until(lambda: OutboxEvent.objects.get().last_error == "" and
                       not worker.broker.connected, timeout=2, what="a worker without broker")
            server.start()
            wait_until(lambda: Group.objects.exists(), timeout=20, interval=0.1,
                       what="the event relayed and handled")
        finally:
            worker.stop.set()
            thread.join(timeout=20)
            server.close()
    assert not thread.is_alive()
    assert OutboxEvent.objects.get().sent_at is not None
    assert list(Group.objects.values_list("name", flat=True)) == [
        "shop.order.status_changed:o1:None"]


def test_a_batch_is_handled_in_stream_order_and_a_failure_holds_back_what_follows(broker):
    event_handlers.BROKEN["on"] = True
    names = ["a", "b", "poison", "c", "d"]
    for name in names:
        publish(type="shop.product.changed", subject="p", data=product(name))
    outbox_relay_batch(broker=broker, batch=10)
    consumer = consumer_for(broker)
    with override_settings(EVENT_HANDLERS=HANDLERS, EVENT_MAX_DELIVER=5,
                           EVENT_RETRY_SECONDS=0.05):
        consumer = EventConsumer(broker, subscription=consumer.subscription)
        assert consumer.consume_batch(wait=1) == 2  # a and b; poison failed, c and d wait
        assert sorted(Group.objects.values_list("name", flat=True)) == [
            "shop.product.changed:p:a", "shop.product.changed:p:b"]
        event_handlers.BROKEN["on"] = False  # fixed before its second try
        try:
            handled = 0
            for _ in range(20):
                handled += consumer.consume_batch(wait=0.5)
                if handled == 3:
                    break
        finally:
            event_handlers.BROKEN["on"] = True

    order = [name.rsplit(":", 1)[1] for name in
             Group.objects.order_by("id").values_list("name", flat=True)]
    assert order == names
    assert not DeadLetter.objects.exists()
    assert list(InboxEvent.objects.order_by("stream_sequence").values_list(
        "stream_sequence", flat=True)) == [1, 2, 3, 4, 5]


def test_a_broker_replaced_with_an_empty_one_gets_the_stream_and_consumer_again():
    import threading

    from common.events.worker import EventWorker
    from launcher.readiness import wait_until

    first = LocalBroker().start()
    with override_settings(EVENT_HANDLERS=HANDLERS, EVENT_RELAY_MAX_BACKOFF=0.5):
        worker = EventWorker(url=first.url)
        thread = threading.Thread(target=worker.run)
        thread.start()
        try:
            publish(type="shop.product.changed", subject="p1", data=product("before"))
            wait_until(lambda: Group.objects.count() == 1, timeout=20, interval=0.1,
                       what="the first event handled")
            first.stop()
            shutil.rmtree(first.store)  # its disk is lost: no stream, no consumer
            first.start()
            publish(type="shop.product.changed", subject="p2", data=product("after"))
            wait_until(lambda: Group.objects.count() == 2, timeout=30, interval=0.1,
                       what="the event after the new broker")
        finally:
            worker.stop.set()
            thread.join(timeout=20)
            first.close()
    assert sorted(Group.objects.values_list("name", flat=True)) == [
        "shop.product.changed:p1:before", "shop.product.changed:p2:after"]
