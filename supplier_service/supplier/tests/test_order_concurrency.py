"""Supplier orders racing for the same stock, reference or cancellation on PostgreSQL."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.test import APIClient

from common.testing.clients import client_for
from supplier.models import SupplierOrder, SupplierProduct
from supplier.tests.factories import SupplierProductFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="real row locks and concurrent transactions need PostgreSQL"),
]


def _in_threads(call, count: int) -> list:
    def run(index):
        try:
            return call(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def _client() -> APIClient:
    return client_for("SERVICE", service="store_service")


def test_concurrent_orders_never_take_stock_below_zero():
    scarce, plenty = SupplierProductFactory(stock=5), SupplierProductFactory(stock=1000)

    def order(index):
        items = [{"product_id": str(plenty.product_id), "quantity": 1},
                 {"product_id": str(scarce.product_id), "quantity": 1}]
        if index % 2:  # half list the products the other way round: no deadlock either way
            items.reverse()
        return _client().post("/api/order", {"reference": f"race-{index}", "items": items},
                              format="json").status_code

    statuses = _in_threads(order, 12)

    assert sorted(statuses) == [201] * 5 + [409] * 7
    assert SupplierProduct.objects.get(pk=scarce.pk).stock == 0
    assert SupplierProduct.objects.get(pk=plenty.pk).stock == 995
    assert SupplierOrder.objects.count() == 5


def test_concurrent_duplicates_of_a_reference_create_one_order():
    product = SupplierProductFactory(stock=100)
    body = {"reference": "dup-ref",
            "items": [{"product_id": str(product.product_id), "quantity": 7}]}

    responses = _in_threads(lambda _: _client().post("/api/order", body, format="json"), 8)

    assert sorted(r.status_code for r in responses).count(201) == 1
    assert {r.status_code for r in responses} <= {200, 201}
    assert len({r.json()["order_number"] for r in responses}) == 1
    assert SupplierOrder.objects.count() == 1
    assert SupplierProduct.objects.get(pk=product.pk).stock == 93


def test_concurrent_first_orders_of_an_unseen_product_share_one_default_stock(settings):
    settings.SUPPLIER_DEFAULT_STOCK = 3
    product_id = str(uuid.uuid4())

    statuses = _in_threads(lambda index: _client().post(
        "/api/order", {"reference": f"unseen-{index}",
                       "items": [{"product_id": product_id, "quantity": 1}]},
        format="json").status_code, 6)

    assert sorted(statuses) == [201] * 3 + [409] * 3
    assert SupplierProduct.objects.get(product_id=product_id).stock == 0


def test_concurrent_cancels_give_the_stock_back_once():
    product = SupplierProductFactory(stock=10)
    number = _client().post("/api/order", {"reference": "cancel-race", "items": [
        {"product_id": str(product.product_id), "quantity": 6}]},
        format="json").json()["order_number"]

    statuses = _in_threads(
        lambda _: _client().post(f"/api/order/{number}/cancel").status_code, 6)

    assert statuses == [200] * 6
    assert SupplierProduct.objects.get(pk=product.pk).stock == 10
