"""Stock reservations: all or nothing, idempotent by reference, released exactly once."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.testing import auth_header
from products.models import Product, Reservation
from products.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

RESERVE = "/api/products/reservations"


def _reserve(api_client, headers, reference, *lines):
    body = {"reference": reference,
            "items": [{"product_id": str(product.id), "quantity": quantity}
                      for product, quantity in lines]}
    return api_client.post(RESERVE, body, format="json", **headers)


def _stock(product) -> int:
    return Product.objects.get(id=product.id).stock


def test_reservation_create_takes_the_stock(api_client, service_headers):
    keyboard, mouse = ProductFactory(stock=5), ProductFactory(stock=2)

    response = _reserve(api_client, service_headers, "order-1", (keyboard, 3), (mouse, 2))

    assert response.status_code == 201
    body = response.json()
    assert body["reference"] == "order-1"
    assert body["status"] == "reserved"
    assert sorted((item["product_id"], item["quantity"]) for item in body["items"]) == sorted(
        [(str(keyboard.id), 3), (str(mouse.id), 2)])
    assert (_stock(keyboard), _stock(mouse)) == (2, 0)


def test_reservation_create_query_count_does_not_grow_with_the_lines(api_client,
                                                                    service_headers):
    products = ProductFactory.create_batch(50, stock=10)
    with CaptureQueriesContext(connection) as one:
        _reserve(api_client, service_headers, "order-1", (products[0], 1))
    with CaptureQueriesContext(connection) as fifty:
        response = _reserve(api_client, service_headers, "order-2",
                            *[(product, 2) for product in products])

    assert response.status_code == 201
    assert len(one) == len(fifty)
    assert [_stock(product) for product in products] == [7] + [8] * 49


def test_reservation_create_merges_the_same_product_named_twice(api_client, service_headers):
    keyboard = ProductFactory(stock=5)

    response = _reserve(api_client, service_headers, "order-1", (keyboard, 1), (keyboard, 2))

    assert response.status_code == 201
    assert response.json()["items"] == [{"product_id": str(keyboard.id), "quantity": 3,
                                         "name": keyboard.name, "unit_price": "19.99"}]
    assert _stock(keyboard) == 2


def test_reservation_create_answers_each_lines_name_and_price(api_client, service_headers):
    keyboard = ProductFactory(name="Keyboard", price=Decimal("89.90"), stock=5)
    mouse = ProductFactory(name="Mouse", price=Decimal("0.10"), stock=5)

    response = _reserve(api_client, service_headers, "order-1", (keyboard, 1), (mouse, 2))

    assert response.status_code == 201
    assert sorted((item["product_id"], item["name"], item["unit_price"], item["quantity"])
                  for item in response.json()["items"]) == sorted([
        (str(keyboard.id), "Keyboard", "89.90", 1), (str(mouse.id), "Mouse", "0.10", 2)])


def test_reservation_replayed_answers_the_prices_of_the_first_reservation(api_client,
                                                                          service_headers):
    keyboard = ProductFactory(name="Keyboard", price=Decimal("89.90"), stock=5)
    first = _reserve(api_client, service_headers, "order-1", (keyboard, 1))
    Product.objects.filter(id=keyboard.id).update(name="Keyboard II", price=Decimal("99.00"))

    replay = _reserve(api_client, service_headers, "order-1", (keyboard, 1))

    assert replay.status_code == 200
    assert replay.json()["items"] == first.json()["items"] == [
        {"product_id": str(keyboard.id), "quantity": 1, "name": "Keyboard",
         "unit_price": "89.90"}]


def test_reservation_create_replayed_reserves_once(api_client, service_headers):
    keyboard = ProductFactory(stock=5)
    first = _reserve(api_client, service_headers, "order-1", (keyboard, 2))

    replay = _reserve(api_client, service_headers, "order-1", (keyboard, 2))

    assert replay.status_code == 200
    assert replay.json() == first.json()
    assert _stock(keyboard) == 3
    assert Reservation.objects.count() == 1


def test_reservation_create_with_a_used_reference_and_other_items_is_409(
        api_client, service_headers):
    keyboard = ProductFactory(stock=5)
    _reserve(api_client, service_headers, "order-1", (keyboard, 2))

    response = _reserve(api_client, service_headers, "order-1", (keyboard, 3))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert response.json()["error"]["reason"] == "reservation_reference_reused"
    assert _stock(keyboard) == 3


def test_reservation_create_without_enough_stock_reserves_nothing(api_client, service_headers):
    plenty, scarce = ProductFactory(stock=10), ProductFactory(stock=1)

    response = _reserve(api_client, service_headers, "order-1", (plenty, 4), (scarce, 2))

    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["reason"]) == ("conflict", "insufficient_stock")
    assert error["details"] == {"items": [
        {"product_id": str(scarce.id), "requested": 2, "available": 1}]}
    assert (_stock(plenty), _stock(scarce)) == (10, 1)
    assert not Reservation.objects.exists()


def test_reservation_create_with_an_unknown_product_is_400(api_client, service_headers):
    keyboard = ProductFactory(stock=5)
    unknown = uuid.uuid4()
    body = {"reference": "order-1", "items": [
        {"product_id": str(keyboard.id), "quantity": 1},
        {"product_id": str(unknown), "quantity": 1}]}

    response = api_client.post(RESERVE, body, format="json", **service_headers)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["reason"] == "unknown_product"
    assert response.json()["error"]["details"]["items"] == [f"Unknown product {unknown}."]
    assert _stock(keyboard) == 5
    assert not Reservation.objects.exists()


@pytest.mark.parametrize("body", [
    {"reference": "r", "items": []},
    {"reference": "r", "items": [{"product_id": "nope", "quantity": 1}]},
    {"reference": "r", "items": [{"product_id": str(uuid.uuid4()), "quantity": 0}]},
    {"reference": "", "items": [{"product_id": str(uuid.uuid4()), "quantity": 1}]},
    {"items": [{"product_id": str(uuid.uuid4()), "quantity": 1}]},
    {"reference": "r", "items": [{"product_id": str(uuid.uuid4()), "quantity": 1001}]},
    {"reference": "r", "items": [{"product_id": str(uuid.uuid4()), "quantity": 1}] * 51},
])
def test_reservation_create_validates_the_body(api_client, service_headers, body):
    response = api_client.post(RESERVE, body, format="json", **service_headers)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_reservation_create_merged_beyond_the_line_limit_is_400(api_client, service_headers):
    keyboard = ProductFactory(stock=5000)

    response = _reserve(api_client, service_headers, "order-1", (keyboard, 600), (keyboard, 401))

    assert response.status_code == 400
    assert "items" in response.json()["error"]["details"]
    assert _stock(keyboard) == 5000
    assert not Reservation.objects.exists()


def test_reservation_create_takes_the_contracts_largest_order(api_client, service_headers):
    products = ProductFactory.create_batch(50, stock=1000)

    response = _reserve(api_client, service_headers, "order-1",
                        *[(product, 1000) for product in products])

    assert response.status_code == 201
    assert {_stock(product) for product in products} == {0}


@pytest.mark.parametrize("role", ["USER", "ADMIN"])
def test_reservation_create_is_for_services_only(api_client, role):
    keyboard = ProductFactory(stock=5)

    response = _reserve(api_client, auth_header(role=role), "order-1", (keyboard, 1))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert _stock(keyboard) == 5


@pytest.mark.parametrize("service", ["carrier_service", "store_service", "supplier_service"])
def test_reservation_create_by_another_service_is_403(api_client, service):
    keyboard = ProductFactory(stock=5)

    response = _reserve(api_client, auth_header(role="SERVICE", service=service), "order-1",
                        (keyboard, 1))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert _stock(keyboard) == 5


def test_reservation_release_by_another_service_is_403(api_client, service_headers):
    keyboard = ProductFactory(stock=5)
    _reserve(api_client, service_headers, "order-1", (keyboard, 1))

    response = api_client.delete(f"{RESERVE}/order-1",
                                 **auth_header(role="SERVICE", service="carrier_service"))

    assert response.status_code == 403
    assert _stock(keyboard) == 4


def test_reservation_create_needs_a_token(api_client):
    keyboard = ProductFactory(stock=5)

    response = _reserve(api_client, {}, "order-1", (keyboard, 1))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_reservation_release_gives_the_stock_back(api_client, service_headers):
    keyboard = ProductFactory(stock=5)
    _reserve(api_client, service_headers, "order-1", (keyboard, 4))

    response = api_client.delete(f"{RESERVE}/order-1", **service_headers)

    assert response.status_code == 204
    assert _stock(keyboard) == 5
    assert Reservation.objects.get(reference="order-1").released_at is not None


def test_reservation_release_twice_gives_back_once(api_client, service_headers):
    keyboard = ProductFactory(stock=5)
    _reserve(api_client, service_headers, "order-1", (keyboard, 4))
    api_client.delete(f"{RESERVE}/order-1", **service_headers)

    response = api_client.delete(f"{RESERVE}/order-1/", **service_headers)

    assert response.status_code == 204
    assert _stock(keyboard) == 5


def test_reservation_release_of_a_deleted_product_skips_it(api_client, service_headers):
    keyboard, mouse = ProductFactory(stock=5), ProductFactory(stock=5)
    _reserve(api_client, service_headers, "order-1", (keyboard, 1), (mouse, 1))
    keyboard.delete()

    response = api_client.delete(f"{RESERVE}/order-1", **service_headers)

    assert response.status_code == 204
    assert _stock(mouse) == 5


def test_reservation_create_after_release_is_409(api_client, service_headers):
    keyboard = ProductFactory(stock=5)
    _reserve(api_client, service_headers, "order-1", (keyboard, 1))
    api_client.delete(f"{RESERVE}/order-1", **service_headers)

    response = _reserve(api_client, service_headers, "order-1", (keyboard, 1))

    assert response.status_code == 409
    assert response.json()["error"]["reason"] == "reservation_released"
    assert _stock(keyboard) == 5


def test_reservation_release_unknown_is_404(api_client, service_headers):
    response = api_client.delete(f"{RESERVE}/nothing-here", **service_headers)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_reservation_release_is_for_services_only(api_client, admin_headers, service_headers):
    keyboard = ProductFactory(stock=5)
    _reserve(api_client, service_headers, "order-1", (keyboard, 1))

    response = api_client.delete(f"{RESERVE}/order-1", **admin_headers)

    assert response.status_code == 403
    assert _stock(keyboard) == 4


def test_reservation_release_needs_a_token(api_client):
    response = api_client.delete(f"{RESERVE}/order-1")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("reference", ["x" * 101, "bad%00ref"])
def test_reservation_release_of_an_impossible_reference_is_404(api_client, service_headers,
                                                               reference):
    response = api_client.delete(f"{RESERVE}/{reference}", **service_headers)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
