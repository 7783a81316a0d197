"""common.events.publish: the outbox row, its CloudEvents envelope, the schemas."""

import json
import uuid

import pytest
from django.db import transaction
from opentelemetry.sdk.trace import TracerProvider

from common.events import InvalidEvent, event_types, publish, schema_for, validate_event
from common.events.models import OutboxEvent
from common.request_id import request_id_var

USER_ID = "2f1d3c4b-5a69-4788-9a0b-1c2d3e4f5a6b"
ORDER_ID = "7e2a1b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b"

SAMPLES = {
    "shop.user.registered": {"user_id": USER_ID, "email": "ann@example.com", "name": "Ann",
                             "role": "USER"},
    "shop.user.changed": {"user_id": USER_ID, "email": "ann@example.com", "name": "Ann B",
                          "role": "USER", "is_active": True},
    "shop.user.sessions_revoked": {"user_id": USER_ID, "not_before": "2026-01-02T03:04:05Z",
                                   "reason": "password_changed"},
    "shop.product.changed": {"product_id": ORDER_ID, "name": "Mug", "description": "",
                             "price": "9.90", "stock": 4, "deleted": False},
    "shop.order.created": {
        "order_id": ORDER_ID, "user_id": USER_ID, "status": "PENDING",
        "created_at": "2026-01-02T03:04:05Z", "total_amount": "19.80",
        "items": [{"product_id": USER_ID, "name": "Mug", "unit_price": "9.90", "quantity": 2,
                   "line_total": "19.80"}]},
    "shop.order.status_changed": {"order_id": ORDER_ID, "user_id": USER_ID, "from": "PENDING",
                                  "to": "CONFIRMED"},
    "shop.purchase.state_changed": {
        "purchase_id": USER_ID, "order_id": ORDER_ID, "user_id": USER_ID,
        "from": "CARRIER_ORDERED", "to": "RESERVE_DELIVERED", "total": "19.80",
        "tracking_code": "BR123", "estimated_delivery_date": "2026-01-09"},
    "shop.payment.changed": {
        "payment_id": USER_ID, "reference": f"order:{ORDER_ID}", "user_id": None,
        "status": "refunded", "amount": "19.80", "captured_amount": "19.80",
        "refunded_amount": "19.80", "currency": "BRL", "operation": "refund"},
}


def test_every_event_type_has_a_schema_and_a_valid_sample():
    assert set(event_types()) == set(SAMPLES)
    for event_type in event_types():
        assert schema_for(event_type)["type"] == "object"


@pytest.mark.django_db
@pytest.mark.parametrize("event_type", sorted(SAMPLES))
def test_publish_writes_one_outbox_row_with_a_valid_envelope(event_type):
    envelope = publish(type=event_type, subject=ORDER_ID, data=SAMPLES[event_type])

    row = OutboxEvent.objects.get()
    assert row.sent_at is None
    assert str(row.event_id) == envelope["id"] and row.type == event_type
    assert row.envelope == envelope
    validate_event(row.envelope)
    assert envelope["specversion"] == "1.0"
    assert envelope["source"] == "common_tests"
    assert envelope["subject"] == ORDER_ID
    assert envelope["datacontenttype"] == "application/json"
    assert envelope["time"].endswith("Z")
    uuid.UUID(envelope["id"])


@pytest.mark.django_db
def test_publish_turns_uuids_and_decimals_into_json_strings():
    from decimal import Decimal

    data = dict(SAMPLES["shop.product.changed"], product_id=uuid.UUID(ORDER_ID),
                price=Decimal("12.50"))
    envelope = publish(type="shop.product.changed", subject=uuid.UUID(ORDER_ID), data=data)

    assert envelope["data"]["product_id"] == ORDER_ID
    assert envelope["data"]["price"] == "12.50"
    assert envelope["subject"] == ORDER_ID
    json.dumps(OutboxEvent.objects.get().envelope)


@pytest.mark.django_db
def test_publishing_an_unknown_type_raises_and_writes_nothing():
    with pytest.raises(InvalidEvent, match="unknown event type"):
        publish(type="shop.order.teleported", subject=ORDER_ID, data={})
    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db
def test_publishing_data_that_breaks_the_schema_raises():
    bad = dict(SAMPLES["shop.order.status_changed"])
    del bad["to"]
    with pytest.raises(InvalidEvent, match="'to' is a required property"):
        publish(type="shop.order.status_changed", subject=ORDER_ID, data=bad)
    with pytest.raises(InvalidEvent, match="total_amount"):
        publish(type="shop.order.created", subject=ORDER_ID,
                data=dict(SAMPLES["shop.order.created"], total_amount=19.8))
    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_event_published_in_a_rolled_back_transaction_leaves_no_row():
    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        publish(type="shop.user.registered", subject=USER_ID,
                data=SAMPLES["shop.user.registered"])
        assert OutboxEvent.objects.count() == 1
        raise Refused
    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db
def test_the_request_id_travels_as_an_extension_attribute():
    token = request_id_var.set("req-42.a")
    try:
        envelope = publish(type="shop.user.registered", subject=USER_ID,
                           data=SAMPLES["shop.user.registered"])
    finally:
        request_id_var.reset(token)
    assert envelope["requestid"] == "req-42.a"


@pytest.mark.django_db
def test_the_current_span_travels_as_traceparent():
    tracer = TracerProvider().get_tracer("test")  # a provider of its own: the global stays
    with tracer.start_as_current_span("request") as span:
        envelope = publish(type="shop.user.registered", subject=USER_ID,
                           data=SAMPLES["shop.user.registered"])
        context = span.get_span_context()
    version, trace_id, span_id, _flags = envelope["traceparent"].split("-")
    assert version == "00"
    assert trace_id == format(context.trace_id, "032x")
    assert span_id == format(context.span_id, "016x")
    validate_event(envelope)


def test_validate_event_refuses_a_broken_envelope():
    good = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "order_service",
            "type": "shop.order.status_changed", "subject": ORDER_ID,
            "time": "2026-01-02T03:04:05Z", "datacontenttype": "application/json",
            "data": SAMPLES["shop.order.status_changed"]}
    validate_event(good)
    with pytest.raises(InvalidEvent, match="envelope"):
        validate_event({**good, "specversion": "0.3"})
    with pytest.raises(InvalidEvent, match="envelope"):
        validate_event({k: v for k, v in good.items() if k != "id"})
    with pytest.raises(InvalidEvent, match="unknown event type"):
        validate_event({**good, "type": "shop.order.vanished"})
