"""POST /api/order, GET /api/order/<number>, POST /api/order/<number>/cancel."""

import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supplier.models import SupplierOrder, SupplierProduct
from supplier.tests.factories import SupplierProductFactory

pytestmark = pytest.mark.django_db


def _order(client, reference="purchase-1:order", items=None):
    return client.post("/api/order", {"reference": reference, "items": items or []},
                       format="json")


def _stock(product) -> int:
    return SupplierProduct.objects.get(pk=product.pk).stock


def test_order_create_query_count_does_not_grow_with_the_lines(store_client):
    products = SupplierProductFactory.create_batch(50, stock=10)
    with CaptureQueriesContext(connection) as one:
        _order(store_client, "p-1:order",
               [{"product_id": str(products[0].product_id), "quantity": 1}])
    with CaptureQueriesContext(connection) as fifty:
        response = _order(store_client, "p-2:order",
                          [{"product_id": str(p.product_id), "quantity": 2} for p in products])

    assert response.status_code == 201
    assert len(one) == len(fifty)
    assert [_stock(product) for product in products] == [7] + [8] * 49


def test_order_create_answers_201_with_the_order_and_takes_stock(store_client):
    apple, pear = SupplierProductFactory(stock=10), SupplierProductFactory(stock=4)

    response = _order(store_client, items=[
        {"product_id": str(apple.product_id), "quantity": 3},
        {"product_id": str(pear.product_id), "quantity": 4}])

    assert response.status_code == 201
    body = response.json()
    assert re.fullmatch(r"SUP-[A-Z2-9]{8}", body["order_number"])
    assert body["reference"] == "purchase-1:order"
    assert body["status"] == "CONFIRMED"
    assert body["items"] == [{"product_id": str(apple.product_id), "quantity": 3},
                             {"product_id": str(pear.product_id), "quantity": 4}]
    assert body["estimated_ship_date"] == str(timezone.localdate() + timedelta(days=2))
    assert _stock(apple) == 7
    assert _stock(pear) == 0


def test_order_create_merges_the_same_product_listed_twice(store_client):
    apple = SupplierProductFactory(stock=10)
    line = {"product_id": str(apple.product_id), "quantity": 2}

    response = _order(store_client, items=[line, line])

    assert response.status_code == 201
    assert response.json()["items"] == [{"product_id": str(apple.product_id), "quantity": 4}]
    assert _stock(apple) == 6


def test_order_create_with_the_same_reference_returns_the_first_order_once(store_client):
    apple = SupplierProductFactory(stock=10)
    items = [{"product_id": str(apple.product_id), "quantity": 3}]
    first = _order(store_client, reference="ref-42", items=items)

    again = _order(store_client, reference="ref-42", items=items)

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert SupplierOrder.objects.count() == 1
    assert _stock(apple) == 7


def test_order_create_with_not_enough_stock_is_409_naming_items_and_changes_nothing(
        store_client):
    plenty, scarce = SupplierProductFactory(stock=50), SupplierProductFactory(stock=2)

    response = _order(store_client, items=[
        {"product_id": str(plenty.product_id), "quantity": 5},
        {"product_id": str(scarce.product_id), "quantity": 3}])

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert error["details"] == {"items": [
        {"product_id": str(scarce.product_id), "requested": 3, "available": 2}]}
    assert _stock(plenty) == 50
    assert _stock(scarce) == 2
    assert SupplierOrder.objects.count() == 0


def test_order_create_stocks_an_unseen_product_with_the_default(store_client, settings):
    settings.SUPPLIER_DEFAULT_STOCK = 5
    product_id = uuid.uuid4()

    response = _order(store_client, items=[{"product_id": str(product_id), "quantity": 5}])

    assert response.status_code == 201
    assert SupplierProduct.objects.get(product_id=product_id).stock == 0


def test_order_create_beyond_the_default_stock_of_an_unseen_product_is_409(
        store_client, settings):
    settings.SUPPLIER_DEFAULT_STOCK = 5
    product_id = uuid.uuid4()

    response = _order(store_client, items=[{"product_id": str(product_id), "quantity": 6}])

    assert response.status_code == 409
    assert response.json()["error"]["details"]["items"][0]["available"] == 5
    assert not SupplierProduct.objects.filter(product_id=product_id).exists()


@pytest.mark.parametrize("items", [
    [{"product_id": str(uuid.uuid4()), "quantity": 1001}],
    [{"product_id": str(uuid.uuid4()), "quantity": 1} for _ in range(51)],
])
def test_order_create_takes_the_order_line_bounds_and_keeps_nothing_beyond_them(
        store_client, items):
    """The store buys one order's lines: the supplier takes the same bounds (common.lines)."""
    response = _order(store_client, items=items)

    assert response.status_code == 400
    assert "items" in response.json()["error"]["details"]
    assert not SupplierProduct.objects.exists()


def test_order_create_a_rejected_order_does_not_spend_its_reference(store_client):
    apple = SupplierProductFactory(stock=1)
    _order(store_client, reference="retry-me",
           items=[{"product_id": str(apple.product_id), "quantity": 2}])
    SupplierProduct.objects.filter(pk=apple.pk).update(stock=5)

    response = _order(store_client, reference="retry-me",
                      items=[{"product_id": str(apple.product_id), "quantity": 2}])

    assert response.status_code == 201
    assert _stock(apple) == 3


@pytest.mark.parametrize(("body", "field"), [
    ({"items": [{"product_id": str(uuid.uuid4()), "quantity": 1}]}, "reference"),
    ({"reference": "", "items": [{"product_id": str(uuid.uuid4()), "quantity": 1}]},
     "reference"),
    ({"reference": "r"}, "items"),
    ({"reference": "r", "items": []}, "items"),
    ({"reference": "r", "items": "nope"}, "items"),
    ({"reference": "r", "items": [{"product_id": "nope", "quantity": 1}]}, "items"),
    ({"reference": "r", "items": [{"product_id": str(uuid.uuid4()), "quantity": 0}]}, "items"),
    ({"reference": "r", "items": [{"product_id": str(uuid.uuid4()), "quantity": -2}]}, "items"),
    ({"reference": "r", "items": [{"product_id": str(uuid.uuid4()), "quantity": 1.5}]},
     "items"),
    ({"reference": "r", "items": [{"product_id": str(uuid.uuid4()), "quantity": "x"}]},
     "items"),
    ({"reference": "r", "items": [{"product_id": str(uuid.uuid4())}]}, "items"),
])
def test_order_create_invalid_input_is_400_validation_error(store_client, body, field):
    response = store_client.post("/api/order", body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["details"]
    assert SupplierOrder.objects.count() == 0


def test_order_create_malformed_json_is_400_parse_error(store_client):
    response = store_client.post("/api/order", "{nope", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_order_get_answers_the_order_in_any_case_and_with_a_slash(store_client):
    apple = SupplierProductFactory(stock=10)
    created = _order(store_client, items=[{"product_id": str(apple.product_id),
                                             "quantity": 1}]).json()

    response = store_client.get(f"/api/order/{created['order_number'].lower()}/")

    assert response.status_code == 200
    assert response.json() == created


def test_order_get_unknown_is_404_not_found(store_client):
    response = store_client.get("/api/order/SUP-NOPE2345")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_order_cancel_gives_the_stock_back_exactly_once(store_client):
    apple = SupplierProductFactory(stock=10)
    number = _order(store_client, items=[{"product_id": str(apple.product_id),
                                            "quantity": 4}]).json()["order_number"]

    first = store_client.post(f"/api/order/{number}/cancel")
    second = store_client.post(f"/api/order/{number}/cancel")

    assert first.status_code == 200
    assert first.json()["status"] == "CANCELLED"
    assert first.json()["cancelled_at"] is not None
    assert second.status_code == 200
    assert second.json() == first.json()
    assert _stock(apple) == 10
    assert store_client.get(f"/api/order/{number}").json()["status"] == "CANCELLED"


def test_order_create_after_cancel_with_the_same_reference_returns_the_cancelled_order(
        store_client):
    apple = SupplierProductFactory(stock=10)
    items = [{"product_id": str(apple.product_id), "quantity": 4}]
    number = _order(store_client, reference="once", items=items).json()["order_number"]
    store_client.post(f"/api/order/{number}/cancel")

    again = _order(store_client, reference="once", items=items)

    assert again.status_code == 200
    assert again.json()["status"] == "CANCELLED"
    assert _stock(apple) == 10


def test_order_cancel_unknown_is_404_not_found(store_client):
    response = store_client.post("/api/order/SUP-NOPE2345/cancel")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_order_get_with_a_wrong_method_is_405(store_client):
    response = store_client.delete("/api/order/SUP-NOPE2345")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(initial=st.integers(min_value=0, max_value=30),
       quantities=st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=6))
def test_order_create_stock_is_what_accepted_orders_left_and_never_negative(
        store_client, initial, quantities):
    product = SupplierProductFactory(stock=initial)
    accepted = 0

    for quantity in quantities:
        response = _order(store_client, reference=str(uuid.uuid4()),
                          items=[{"product_id": str(product.product_id), "quantity": quantity}])
        assert response.status_code in (201, 409)
        if response.status_code == 201:
            accepted += quantity

    assert _stock(product) == initial - accepted
    assert _stock(product) >= 0
    assert accepted <= initial
