"""Reading orders: the caller's list, ADMIN's list and filter, one order, a user's orders."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.testing import auth_header
from orders.models import Order
from orders.tests.factories import OrderFactory, order_with_lines

pytestmark = pytest.mark.django_db


def _aged(orders):
    """Distinct creation times, the first order being the oldest."""
    start = timezone.now() - timedelta(days=1)
    for minutes, order in enumerate(orders):
        Order.objects.filter(id=order.id).update(created_at=start + timedelta(minutes=minutes))
    return orders


def _ids(response):
    return [order["id"] for order in response.json()["results"]]


# ---- GET /api/orders -----------------------------------------------------------------------

def test_order_list_shows_the_callers_own_orders_newest_first(api_client, customer_id,
                                                              customer_headers):
    old, new = _aged([order_with_lines(user_id=customer_id, lines=2),
                      order_with_lines(user_id=customer_id)])
    OrderFactory()

    response = api_client.get("/api/orders", **customer_headers)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (2, 20, 0)
    assert _ids(response) == [str(new.id), str(old.id)]
    assert len(body["results"][1]["items"]) == 2
    assert set(body["results"][1]["items"][0]) == {"product_id", "name", "unit_price",
                                                   "quantity", "line_total"}
    assert body["results"][1]["total_amount"] == "40.00"


def test_order_list_for_an_admin_shows_everyone(api_client, admin_headers):
    orders = _aged([OrderFactory(), OrderFactory()])

    response = api_client.get("/api/orders", **admin_headers)

    assert _ids(response) == [str(orders[1].id), str(orders[0].id)]


def test_order_list_for_an_admin_filters_by_user(api_client, admin_headers):
    mine = OrderFactory()
    OrderFactory()

    response = api_client.get("/api/orders", {"user_id": str(mine.user_id)}, **admin_headers)

    assert _ids(response) == [str(mine.id)]


def test_order_list_rejects_a_malformed_user_id(api_client, admin_headers):
    response = api_client.get("/api/orders", {"user_id": "nope"}, **admin_headers)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "user_id" in response.json()["error"]["details"]


def test_order_list_filter_on_oneself_works_for_a_user(api_client, customer_id, customer_headers):
    mine = OrderFactory(user_id=customer_id)

    response = api_client.get("/api/orders", {"user_id": str(customer_id)}, **customer_headers)

    assert _ids(response) == [str(mine.id)]


def test_order_list_filter_on_someone_else_is_403_for_a_user(api_client, customer_headers):
    other = OrderFactory()

    response = api_client.get("/api/orders", {"user_id": str(other.user_id)}, **customer_headers)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_order_list_pages(api_client, customer_id, customer_headers):
    _aged([OrderFactory(user_id=customer_id) for _ in range(3)])

    body = api_client.get("/api/orders", {"limit": 2, "offset": 2}, **customer_headers).json()

    assert (body["count"], body["limit"], body["offset"], len(body["results"])) == (3, 2, 2, 1)


def test_order_list_rejects_a_bad_limit(api_client, customer_headers):
    response = api_client.get("/api/orders", {"limit": "ten"}, **customer_headers)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_order_list_needs_a_token(api_client):
    response = api_client.get("/api/orders")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("path", ["/api/orders", "/api/orders/user/{user}"])
def test_order_list_query_count_does_not_grow_with_orders_or_lines(
        api_client, django_assert_max_num_queries, customer_id, customer_headers, path,
        settings):
    path = path.format(user=customer_id)
    settings.REVOCATION_CACHE_SECONDS = 3600  # the revocation list: read once per process
    api_client.get(path, **customer_headers)
    order_with_lines(user_id=customer_id, lines=1)
    with CaptureQueriesContext(connection) as one:
        api_client.get(path, **customer_headers)
    for _ in range(49):
        order_with_lines(user_id=customer_id, lines=5)

    with django_assert_max_num_queries(2), CaptureQueriesContext(connection) as fifty:
        response = api_client.get(path, {"limit": 50}, **customer_headers)

    assert len(response.json()["results"]) == 50
    assert sum(len(order["items"]) for order in response.json()["results"]) == 246
    assert len(one) == len(fifty) == 2  # the page with its total, then every line


# ---- GET /api/orders/<id> ------------------------------------------------------------------

def test_order_get_by_its_owner(api_client, customer_id, customer_headers):
    order = order_with_lines(user_id=customer_id, lines=3)

    response = api_client.get(f"/api/orders/{order.id}", **customer_headers)

    assert response.status_code == 200
    assert response.json()["id"] == str(order.id)
    assert len(response.json()["items"]) == 3


@pytest.mark.parametrize("caller", [{"role": "ADMIN"},
                                    {"role": "SERVICE", "service": "store_service"}])
def test_order_get_by_admin_or_the_store(api_client, caller):
    order = OrderFactory()

    response = api_client.get(f"/api/orders/{order.id}", **auth_header(**caller))

    assert response.status_code == 200
    assert response.json()["user_id"] == str(order.user_id)


@pytest.mark.parametrize("service", ["carrier_service", "supplier_service", "order_service"])
def test_order_get_by_another_service_is_403(api_client, service):
    order = OrderFactory()

    response = api_client.get(f"/api/orders/{order.id}",
                              **auth_header(role="SERVICE", service=service))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_order_get_of_someone_else_is_404(api_client, customer_headers):
    order = OrderFactory()

    response = api_client.get(f"/api/orders/{order.id}", **customer_headers)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_order_get_unknown_is_404(api_client, admin_headers):
    response = api_client.get(f"/api/orders/{uuid.uuid4()}", **admin_headers)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_order_get_malformed_id_is_404(api_client, admin_headers):
    response = api_client.get("/api/orders/12345", **admin_headers)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_order_get_needs_a_token(api_client):
    response = api_client.get(f"/api/orders/{OrderFactory().id}")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_order_get_query_count(api_client, django_assert_max_num_queries, customer_id,
                               customer_headers, settings):
    settings.REVOCATION_CACHE_SECONDS = 3600  # the revocation list: read once per process
    order = order_with_lines(user_id=customer_id, lines=5)
    api_client.get(f"/api/orders/{order.id}", **customer_headers)

    with django_assert_max_num_queries(2):
        response = api_client.get(f"/api/orders/{order.id}", **customer_headers)

    assert len(response.json()["items"]) == 5


# ---- GET /api/orders/user/<user_id> --------------------------------------------------------

def test_order_user_list_for_oneself(api_client, customer_id, customer_headers):
    mine = OrderFactory(user_id=customer_id)
    OrderFactory()

    response = api_client.get(f"/api/orders/user/{customer_id}/", **customer_headers)

    assert response.status_code == 200
    assert _ids(response) == [str(mine.id)]
    assert response.json()["count"] == 1


def test_order_user_list_for_an_admin(api_client, admin_headers):
    theirs = OrderFactory()

    response = api_client.get(f"/api/orders/user/{theirs.user_id}", **admin_headers)

    assert _ids(response) == [str(theirs.id)]


@pytest.mark.parametrize("role", ["USER", "SERVICE"])
def test_order_user_list_of_someone_else_is_403(api_client, role):
    theirs = OrderFactory()

    response = api_client.get(f"/api/orders/user/{theirs.user_id}", **auth_header(role=role))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_order_user_list_needs_a_token(api_client):
    response = api_client.get(f"/api/orders/user/{uuid.uuid4()}")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_order_user_list_malformed_id_is_404(api_client, admin_headers):
    response = api_client.get("/api/orders/user/nope", **admin_headers)

    assert response.status_code == 404
