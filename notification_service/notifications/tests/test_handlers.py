"""Events become notifications: once per event and kind, with their email."""

import uuid
from datetime import UTC, datetime

import pytest
from django.core import mail

from common.events.consuming import DUPLICATE, HANDLED, inbox_handle
from notifications.models import Notification, NotificationKind, Recipient
from notifications.tests.factories import (
    RecipientFactory,
    changed,
    order_created,
    payment_changed,
    purchase_moved,
    registered,
)

pytestmark = pytest.mark.django_db


def handle(envelope):
    return inbox_handle(envelope=envelope)


def test_a_registration_keeps_the_user_and_sends_a_welcome_by_email():
    envelope = registered(email="ann@example.com", name="Ann")

    assert handle(envelope) == HANDLED

    recipient = Recipient.objects.get()
    assert (recipient.email, recipient.name) == ("ann@example.com", "Ann")
    notification = Notification.objects.get()
    assert notification.kind == NotificationKind.WELCOME
    assert str(notification.user_id) == envelope["data"]["user_id"]
    assert str(notification.event_id) == envelope["id"]
    assert notification.channels == {"email": "sent"}
    assert notification.title == "Welcome to the shop, Ann"
    [email] = mail.outbox
    assert email.to == ["ann@example.com"] and email.subject == notification.title
    assert "ann@example.com" in email.body
    html, mime = email.alternatives[0]
    assert mime == "text/html" and "<strong>ann@example.com</strong>" in html


def test_a_user_with_the_longest_name_allowed_still_gets_a_welcome():
    name = "N" * 200  # user_service's limit; the title adds words around it

    assert handle(registered(email="long@example.com", name=name)) == HANDLED

    notification = Notification.objects.get()
    assert len(notification.title) == 200
    assert notification.title.startswith("Welcome to the shop, NNN")
    assert notification.title.endswith("…")


def test_an_event_delivered_twice_gives_one_notification_and_one_email():
    envelope = registered()

    assert handle(envelope) == HANDLED
    assert handle(envelope) == DUPLICATE

    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_order_confirmation_lists_the_lines_and_the_total():
    recipient = RecipientFactory(name="Bea")

    handle(order_created(recipient.user_id))

    notification = Notification.objects.get()
    assert notification.kind == NotificationKind.ORDER_CONFIRMATION
    assert notification.title.endswith("confirmed: 45.70")
    assert "- 3 x Blue mug at 9.90 = 29.70" in notification.body
    assert "- 1 x Tea towel at 16.00 = 16.00" in notification.body
    assert "Total: 45.70" in notification.body
    assert mail.outbox[0].to == [recipient.email]


def test_a_purchase_on_its_way_tells_the_tracking_code_and_the_date():
    recipient = RecipientFactory()

    handle(purchase_moved(recipient.user_id, to="RESERVE_DELIVERED", tracking_code="BR77",
                          estimated_delivery_date="2026-03-05"))

    notification = Notification.objects.get()
    assert notification.kind == NotificationKind.PURCHASE_SHIPPED
    assert "Tracking code: BR77" in notification.body
    assert "Estimated delivery: 2026-03-05" in notification.body
    assert "BR77" in notification.title


def test_a_failed_purchase_says_why_and_that_no_money_was_taken():
    recipient = RecipientFactory()

    handle(purchase_moved(recipient.user_id, to="FAILED", old="RECEIVED",
                          failure_reason="card_declined", payment_status="declined"))

    notification = Notification.objects.get()
    assert notification.kind == NotificationKind.PURCHASE_FAILED
    assert "Why: card_declined" in notification.body
    assert "No money was taken from your card." in notification.body


def test_other_purchase_moves_notify_nobody():
    handle(purchase_moved(uuid.uuid4(), to="ORDER_REQUESTED", old="PAYMENT_AUTHORIZED"))
    assert not Notification.objects.exists()


def test_a_refund_naming_no_user_reaches_the_purchase_s_customer():
    recipient = RecipientFactory()
    purchase_id = uuid.uuid4()
    handle(purchase_moved(recipient.user_id, to="ORDER_REQUESTED", purchase_id=purchase_id))

    handle(payment_changed(reference=f"purchase:{purchase_id}"))

    notification = Notification.objects.get()
    assert notification.kind == NotificationKind.REFUND
    assert notification.user_id == recipient.user_id
    assert "refunded 45.70 BRL" in notification.body


def test_a_refund_of_an_unknown_customer_and_other_payment_moves_notify_nobody():
    handle(payment_changed(reference=f"purchase:{uuid.uuid4()}"))
    handle(payment_changed(user_id=uuid.uuid4(), reference="x", status="captured",
                           operation="capture"))
    assert not Notification.objects.exists()


def test_an_older_user_event_does_not_overwrite_a_newer_copy():
    user_id = uuid.uuid4()
    handle(registered(user_id, email="old@example.com",
                      time=datetime(2026, 1, 1, tzinfo=UTC)))
    handle(changed(user_id, email="new@example.com", time=datetime(2026, 1, 3, tzinfo=UTC)))
    handle(changed(user_id, email="stale@example.com", time=datetime(2026, 1, 2, tzinfo=UTC)))

    assert Recipient.objects.get().email == "new@example.com"


def test_email_is_skipped_for_an_unknown_or_deactivated_user():
    inactive = RecipientFactory(is_active=False)

    handle(order_created(inactive.user_id))
    handle(order_created(uuid.uuid4()))

    assert [n.channels for n in Notification.objects.all()] == [{"email": "skipped"}] * 2
    assert mail.outbox == []


def test_an_email_the_backend_refuses_is_failed_and_the_notification_kept(settings):
    settings.EMAIL_BACKEND = "notifications.tests.refusing_email.EmailBackend"
    recipient = RecipientFactory()

    handle(order_created(recipient.user_id))

    assert Notification.objects.get().channels == {"email": "failed"}
