"""factory-boy factories and event builders for notifications."""

import uuid
from datetime import UTC, datetime

import factory

from common.events import validate_event
from common.events.envelope import build_envelope
from notifications.models import ChannelStatus, Notification, NotificationKind, Recipient


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recipient

    user_id = factory.LazyFunction(uuid.uuid4)
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    name = factory.Sequence(lambda n: f"Customer {n}")
    role = "USER"
    is_active = True
    as_of = factory.LazyFunction(lambda: datetime(2026, 1, 1, tzinfo=UTC))


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user_id = factory.LazyFunction(uuid.uuid4)
    kind = NotificationKind.WELCOME
    title = "Welcome to the shop"
    body = "Hello\n"
    channels = factory.LazyFunction(lambda: {"email": ChannelStatus.SENT})
    event_id = factory.LazyFunction(uuid.uuid4)


def event(event_type: str, data: dict, *, subject=None, time: datetime | None = None) -> dict:
    """A schema-valid CloudEvents envelope, as the consumer would receive it."""
    envelope = build_envelope(type=event_type, subject=str(subject or uuid.uuid4()), data=data,
                              time=time)
    validate_event(envelope)
    return envelope


def registered(user_id=None, *, email="ann@example.com", name="Ann", time=None) -> dict:
    user_id = str(user_id or uuid.uuid4())
    return event("shop.user.registered",
                 {"user_id": user_id, "email": email, "name": name, "role": "USER"},
                 subject=user_id, time=time)


def changed(user_id, *, email, name="Ann", is_active=True, time=None) -> dict:
    return event("shop.user.changed",
                 {"user_id": str(user_id), "email": email, "name": name, "role": "USER",
                  "is_active": is_active}, subject=user_id, time=time)


def order_created(user_id, *, order_id=None) -> dict:
    order_id = str(order_id or uuid.uuid4())
    return event("shop.order.created", {
        "order_id": order_id, "user_id": str(user_id), "status": "PENDING",
        "created_at": "2026-03-01T10:00:00Z", "total_amount": "45.70",
        "items": [
            {"product_id": str(uuid.uuid4()), "name": "Blue mug", "unit_price": "9.90",
             "quantity": 3, "line_total": "29.70"},
            {"product_id": str(uuid.uuid4()), "name": "Tea towel", "unit_price": "16.00",
             "quantity": 1, "line_total": "16.00"}]}, subject=order_id)


def purchase_moved(user_id, *, to, old="ORDER_REQUESTED", purchase_id=None, order_id=None,
                   **extra) -> dict:
    purchase_id = str(purchase_id or uuid.uuid4())
    return event("shop.purchase.state_changed", {
        "purchase_id": purchase_id, "order_id": str(order_id or uuid.uuid4()),
        "user_id": str(user_id), "from": old, "to": to, "total": "45.70", **extra},
        subject=purchase_id)


def payment_changed(*, user_id=None, reference, status="refunded", operation="refund") -> dict:
    payment_id = str(uuid.uuid4())
    return event("shop.payment.changed", {
        "payment_id": payment_id, "reference": reference,
        "user_id": str(user_id) if user_id else None, "status": status, "amount": "45.70",
        "captured_amount": "45.70", "refunded_amount": "45.70", "currency": "BRL",
        "operation": operation}, subject=payment_id)
