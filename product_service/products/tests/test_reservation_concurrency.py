"""Racing reservations on PostgreSQL: stock never goes below zero and nothing deadlocks."""

import threading

import pytest
from django.db import connection, connections

from common.errors import Conflict
from products import services
from products.models import Product, Reservation
from products.tests.factories import ProductFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and real concurrency need PostgreSQL"),
]


def _race(calls):
    """Run every call in its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            call()
            outcomes[index] = "reserved"
        except Conflict:
            outcomes[index] = "conflict"
        except Exception as exc:  # any other failure (a deadlock) is what the test looks for
            outcomes[index] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call))
               for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_reservation_create_race_never_oversells():
    product = ProductFactory(stock=5)
    items = [{"product_id": product.id, "quantity": 1}]

    outcomes = _race([
        lambda n=n: services.reservation_create(reference=f"order-{n}", items=items)
        for n in range(20)
    ])

    assert outcomes.count("reserved") == 5
    assert outcomes.count("conflict") == 15
    assert Product.objects.get(id=product.id).stock == 0
    assert Reservation.objects.count() == 5


def test_reservation_create_in_opposite_orders_does_not_deadlock():
    first, second = ProductFactory(stock=100), ProductFactory(stock=100)

    def reserve(n):
        lines = [(first, 1), (second, 1)] if n % 2 else [(second, 1), (first, 1)]
        services.reservation_create(reference=f"order-{n}", items=[
            {"product_id": product.id, "quantity": quantity} for product, quantity in lines])

    outcomes = _race([lambda n=n: reserve(n) for n in range(16)])

    assert outcomes == ["reserved"] * 16
    assert Product.objects.get(id=first.id).stock == 84
    assert Product.objects.get(id=second.id).stock == 84


def test_reservation_create_same_reference_racing_reserves_once():
    product = ProductFactory(stock=50)
    items = [{"product_id": product.id, "quantity": 2}]

    outcomes = _race([
        lambda: services.reservation_create(reference="order-1", items=items) for _ in range(8)
    ])

    assert outcomes == ["reserved"] * 8
    assert Product.objects.get(id=product.id).stock == 48


def test_reservation_release_racing_gives_back_once():
    product = ProductFactory(stock=5)
    services.reservation_create(reference="order-1",
                                items=[{"product_id": product.id, "quantity": 3}])

    outcomes = _race([lambda: services.reservation_release(reference="order-1")
                      for _ in range(8)])

    assert outcomes == ["reserved"] * 8
    assert Product.objects.get(id=product.id).stock == 5
