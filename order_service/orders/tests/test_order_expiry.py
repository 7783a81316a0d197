"""The pending expiry: old unbought pending orders are cancelled with their stock given back,
once, under a row lock, never under a purchase; `manage.py expire_orders` runs it."""

import io
import signal
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import responses
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from common.events.consuming import inbox_handle
from common.events.envelope import build_envelope
from common.events.models import OutboxEvent
from common.testing.workers import stop_worker_with
from orders import services
from orders.handlers import purchase_state_changed
from orders.models import Order
from orders.status import ORDER_STATUS
from orders.tests import upstream
from orders.tests.factories import OrderFactory

SERVICE_DIR = Path(__file__).resolve().parents[2]


def _aged(order: Order, minutes: float) -> Order:
    Order.objects.filter(id=order.id).update(
        created_at=timezone.now() - timedelta(minutes=minutes))
    order.refresh_from_db()
    return order


def _pending_order(minutes: float = 31, **fields) -> Order:
    return _aged(OrderFactory(status="pending", **fields), minutes)


def _release_calls(partners):
    return upstream.calls_to(partners, "DELETE", upstream.reservations_url())


def _purchase_event(*, order_id, purchase_id, to: str) -> dict:
    return {"id": str(uuid.uuid4()), "type": "shop.purchase.state_changed",
            "subject": str(purchase_id),
            "data": {"purchase_id": str(purchase_id), "order_id": str(order_id),
                     "user_id": str(uuid.uuid4()), "from": None, "to": to, "total": "10.00"}}


@pytest.mark.django_db
def test_expiry_cancels_an_old_pending_order_and_gives_its_stock_back(partners, settings):
    settings.ORDER_PENDING_MINUTES = 30
    order = _pending_order(31)
    upstream.stub_release(partners)

    expired = services.orders_expire_pending()

    assert expired == 1
    order.refresh_from_db()
    assert order.status == "cancelled"
    [release] = _release_calls(partners)
    assert release.request.url.endswith(f"/api/products/reservations/{order.id}")
    [event] = OutboxEvent.objects.filter(type="shop.order.status_changed")
    assert event.envelope["data"]["from"] == "pending"
    assert event.envelope["data"]["to"] == "cancelled"
    [change] = order.history.all()
    assert change.note.startswith("Expired")


@pytest.mark.django_db
def test_expiry_runs_once_per_order(partners, settings):
    settings.ORDER_PENDING_MINUTES = 30
    _pending_order(31)
    upstream.stub_release(partners)

    assert services.orders_expire_pending() == 1
    assert services.orders_expire_pending() == 0
    assert len(_release_calls(partners)) == 1


@pytest.mark.django_db
def test_expiry_being_stopped_finishes_the_order_in_hand(partners, settings):
    settings.ORDER_PENDING_MINUTES = 30
    _pending_order(40)
    _pending_order(35)
    upstream.stub_release(partners)
    asked = []

    def stop_after_the_first():
        asked.append(True)
        return len(asked) > 1

    assert services.orders_expire_pending(should_stop=stop_after_the_first) == 1
    assert Order.objects.filter(status="pending").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("minutes", [1, 29.5])
def test_expiry_leaves_younger_pending_orders(partners, settings, minutes):
    settings.ORDER_PENDING_MINUTES = 30
    order = _pending_order(minutes)

    assert services.orders_expire_pending() == 0
    assert Order.objects.get(id=order.id).status == "pending"
    assert not partners.calls


@pytest.mark.django_db
def test_expiry_follows_the_setting(partners, settings):
    settings.ORDER_PENDING_MINUTES = 5
    order = _pending_order(6)
    upstream.stub_release(partners)

    assert services.orders_expire_pending() == 1
    assert Order.objects.get(id=order.id).status == "cancelled"


@pytest.mark.django_db
def test_expiry_takes_a_fraction_of_a_minute(partners, settings):
    settings.ORDER_PENDING_MINUTES = 0.05  # three seconds
    old, young = _pending_order(0.1), _pending_order(0.01)
    upstream.stub_release(partners)

    assert services.orders_expire_pending() == 1
    assert Order.objects.get(id=old.id).status == "cancelled"
    assert Order.objects.get(id=young.id).status == "pending"


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["processing", "completed", "cancelled"])
def test_expiry_leaves_orders_that_are_not_pending(partners, settings, status):
    settings.ORDER_PENDING_MINUTES = 30
    order = _aged(OrderFactory(status=status), 120)

    assert services.orders_expire_pending() == 0
    assert Order.objects.get(id=order.id).status == status
    assert not partners.calls


@pytest.mark.django_db
def test_expiry_checks_the_order_again_under_the_lock(partners, settings):
    settings.ORDER_PENDING_MINUTES = 30
    order = _pending_order(31)
    cutoff = timezone.now() - timedelta(minutes=30)
    # The store moved it between the expiry's scan and its lock.
    ORDER_STATUS.move(instance=order, to="processing")

    assert services.order_expire(order_id=order.id, cutoff=cutoff) is False
    assert Order.objects.get(id=order.id).status == "processing"
    assert not partners.calls


@pytest.mark.django_db
def test_expiry_leaves_an_order_a_purchase_is_buying(partners, settings):
    settings.ORDER_PENDING_MINUTES = 30
    order = _pending_order(31)
    purchase_id = uuid.uuid4()
    upstream.stub_release(partners)

    purchase_state_changed(_purchase_event(order_id=order.id, purchase_id=purchase_id,
                                           to="RECEIVED"))
    assert services.orders_expire_pending() == 0
    assert Order.objects.get(id=order.id).status == "pending"

    # Once that purchase has failed, nothing holds the order any more.
    purchase_state_changed(_purchase_event(order_id=order.id, purchase_id=purchase_id,
                                           to="FAILED"))
    assert services.orders_expire_pending() == 1


@pytest.mark.django_db
def test_the_purchase_event_reaches_the_hold_through_the_inbox_once():
    order = OrderFactory()
    purchase_id = uuid.uuid4()
    envelope = build_envelope(type="shop.purchase.state_changed", subject=str(purchase_id), data={
        "purchase_id": str(purchase_id), "order_id": str(order.id),
        "user_id": str(order.user_id), "from": None, "to": "RECEIVED", "total": "10.00"})

    assert inbox_handle(envelope=envelope) == "handled"
    assert Order.objects.get(id=order.id).purchase_id == purchase_id
    Order.objects.filter(id=order.id).update(purchase_id=None)
    assert inbox_handle(envelope=envelope) == "duplicate"

    assert Order.objects.get(id=order.id).purchase_id is None


@pytest.mark.django_db
def test_a_purchase_ending_releases_only_its_own_hold():
    order = OrderFactory()
    current, old = uuid.uuid4(), uuid.uuid4()

    purchase_state_changed(_purchase_event(order_id=order.id, purchase_id=current,
                                           to="ORDER_REQUESTED"))
    purchase_state_changed(_purchase_event(order_id=order.id, purchase_id=old, to="FAILED"))

    assert Order.objects.get(id=order.id).purchase_id == current


@pytest.mark.django_db
def test_a_purchase_event_about_an_unknown_order_changes_nothing():
    purchase_state_changed(_purchase_event(order_id=uuid.uuid4(), purchase_id=uuid.uuid4(),
                                           to="RECEIVED"))

    assert not Order.objects.exists()


@pytest.mark.django_db
def test_expiry_keeps_the_order_when_products_are_down(partners, settings):
    settings.ORDER_PENDING_MINUTES = 30
    first, second = _pending_order(40), _pending_order(35)
    partners.add(responses.DELETE, upstream.release_url_pattern(), status=503)

    assert services.orders_expire_pending() == 0

    assert set(Order.objects.values_list("status", flat=True)) == {"pending"}
    assert not OutboxEvent.objects.exists()
    # The pass stopped at the first failure instead of trying every order.
    assert len({call.request.url for call in _release_calls(partners)}) == 1
    partners.replace(responses.DELETE, upstream.release_url_pattern(), status=204)
    assert services.orders_expire_pending() == 2
    assert {first.id, second.id} == set(Order.objects.filter(status="cancelled")
                                        .values_list("id", flat=True))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="row locks and real concurrency need PostgreSQL")
def test_expiry_skips_an_order_the_store_is_moving(partners, settings):
    """The store's move to processing holds the row lock: the expiry passes over the order,
    and once the move commits the order is processing, never cancelled under the purchase."""
    settings.ORDER_PENDING_MINUTES = 30
    order = _pending_order(31)
    locked, expiry_done = threading.Event(), threading.Event()

    def store_moves_it():
        try:
            with transaction.atomic():
                ORDER_STATUS.move(instance=Order.objects.get(id=order.id), to="processing")
                locked.set()
                expiry_done.wait(10)
        finally:
            connection.close()

    store = threading.Thread(target=store_moves_it)
    store.start()
    assert locked.wait(10)
    try:
        started = time.monotonic()
        assert services.orders_expire_pending() == 0
        assert time.monotonic() - started < 5, "the expiry waited for the store's lock"
    finally:
        expiry_done.set()
        store.join(10)

    assert Order.objects.get(id=order.id).status == "processing"
    assert services.orders_expire_pending() == 0
    assert not partners.calls


@pytest.mark.django_db
def test_expire_orders_command_runs_one_pass(partners, settings):
    settings.ORDER_PENDING_MINUTES = 30
    order = _pending_order(31)
    upstream.stub_release(partners)
    out = io.StringIO()

    call_command("expire_orders", "--once", stdout=out)

    assert Order.objects.get(id=order.id).status == "cancelled"
    assert "expired 1 order(s)" in out.getvalue()
    assert "order expiry stopped" in out.getvalue()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_expire_orders_stops_cleanly_on_a_signal(tmp_path, stop_signal):
    command = stop_worker_with(stop_signal, service_dir=SERVICE_DIR, sqlite_dir=tmp_path,
                               command=["expire_orders", "--interval", "30"],
                               started="order expiry started")

    assert command.returncode == 0, command.stderr
    assert "order expiry stopped" in command.stdout
