"""`PUT /api/orders/<id>/status`: the state machine over HTTP; cancelling gives stock back;
an owner may cancel their own pending order; every move writes history and an event."""

import uuid

import pytest
import requests
import responses

from common.events.models import OutboxEvent
from common.testing import auth_header
from orders.models import Order
from orders.tests import upstream
from orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _put(api_client, order, status, headers):
    return api_client.put(f"/api/orders/{order.id}/status", {"status": status}, format="json",
                          **headers)


def _release_calls(partners):
    return upstream.calls_to(partners, "DELETE", upstream.reservations_url())


@pytest.mark.parametrize(("current", "target"), [
    ("pending", "processing"), ("processing", "completed")])
@pytest.mark.parametrize("caller", [{"role": "ADMIN"},
                                    {"role": "SERVICE", "service": "store_service"}])
def test_order_status_change_follows_allowed_moves(api_client, partners, current, target, caller):
    order = OrderFactory(status=current)

    response = _put(api_client, order, target, auth_header(**caller))

    assert response.status_code == 200
    assert response.json()["status"] == target
    order.refresh_from_db()
    assert order.status == target
    assert not partners.calls


@pytest.mark.parametrize("current", ["pending", "processing"])
def test_order_status_cancel_gives_the_stock_back(api_client, partners, admin_headers, current):
    order = OrderFactory(status=current)
    upstream.stub_release(partners)

    response = _put(api_client, order, "cancelled", admin_headers)

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    [release] = _release_calls(partners)
    assert release.request.url.endswith(f"/api/products/reservations/{order.id}")


def test_order_status_cancel_without_a_reservation_still_cancels(api_client, partners,
                                                                 admin_headers):
    order = OrderFactory(status="pending")
    upstream.stub_release(partners, status=404)

    response = _put(api_client, order, "cancelled", admin_headers)

    assert response.status_code == 200
    assert Order.objects.get(id=order.id).status == "cancelled"


@pytest.mark.parametrize("failure", [
    {"body": requests.exceptions.ConnectionError("refused")},
    {"status": 500},
])
def test_order_status_cancel_when_products_are_down_changes_nothing(api_client, partners,
                                                                    admin_headers, failure):
    order = OrderFactory(status="pending")
    partners.add(responses.DELETE, upstream.release_url_pattern(), **failure)

    response = _put(api_client, order, "cancelled", admin_headers)

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "upstream_unavailable"
    assert Order.objects.get(id=order.id).status == "pending"


@pytest.mark.parametrize("status", ["pending", "processing", "completed", "cancelled"])
def test_order_status_set_again_changes_nothing(api_client, partners, admin_headers, status):
    order = OrderFactory(status=status)
    updated_at = Order.objects.get(id=order.id).updated_at

    response = _put(api_client, order, status, admin_headers)

    assert response.status_code == 200
    assert response.json()["status"] == status
    assert Order.objects.get(id=order.id).updated_at == updated_at
    assert not partners.calls


@pytest.mark.parametrize(("current", "target"), [
    ("pending", "completed"), ("processing", "pending"), ("completed", "pending"),
    ("completed", "cancelled"), ("cancelled", "pending"), ("cancelled", "processing")])
def test_order_status_change_refuses_other_moves(api_client, partners, admin_headers, current,
                                                 target):
    order = OrderFactory(status=current)

    response = _put(api_client, order, target, admin_headers)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert response.json()["error"]["reason"] == "invalid_status_transition"
    assert response.json()["error"]["details"]["status"] == current
    assert Order.objects.get(id=order.id).status == current
    assert not partners.calls
    assert not OutboxEvent.objects.exists()


@pytest.mark.parametrize("body", [{"status": "shipped"}, {"status": ""}, {}, {"status": None}])
def test_order_status_change_rejects_unknown_statuses(api_client, admin_headers, body):
    order = OrderFactory()

    response = api_client.put(f"/api/orders/{order.id}/status", body, format="json",
                              **admin_headers)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "status" in response.json()["error"]["details"]


def test_order_status_owner_cancels_their_pending_order(api_client, partners, customer_id,
                                                       customer_headers):
    order = OrderFactory(user_id=customer_id)
    upstream.stub_release(partners)

    response = _put(api_client, order, "cancelled", customer_headers)

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert Order.objects.get(id=order.id).status == "cancelled"
    [release] = _release_calls(partners)
    assert release.request.url.endswith(f"/api/products/reservations/{order.id}")
    [change] = order.history.all()
    assert (change.from_state, change.to_state) == ("pending", "cancelled")


def test_order_status_owner_cancel_again_changes_nothing(api_client, partners, customer_id,
                                                       customer_headers):
    order = OrderFactory(user_id=customer_id, status="cancelled")

    response = _put(api_client, order, "cancelled", customer_headers)

    assert response.status_code == 200
    assert not partners.calls


@pytest.mark.parametrize("current", ["processing", "completed"])
def test_order_status_owner_cannot_cancel_an_order_no_longer_pending(
        api_client, partners, customer_id, customer_headers, current):
    order = OrderFactory(user_id=customer_id, status=current)

    response = _put(api_client, order, "cancelled", customer_headers)

    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["reason"]) == ("conflict", "order_not_pending")
    assert Order.objects.get(id=order.id).status == current
    assert not partners.calls


@pytest.mark.parametrize("target", ["processing", "completed", "pending"])
def test_order_status_owner_may_not_make_other_moves(api_client, partners, customer_id,
                                                     customer_headers, target):
    order = OrderFactory(user_id=customer_id)

    response = _put(api_client, order, target, customer_headers)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Order.objects.get(id=order.id).status == "pending"


@pytest.mark.parametrize("target", ["cancelled", "processing"])
def test_order_status_of_someone_elses_order_is_404_for_a_user(api_client, partners,
                                                               customer_headers, target):
    order = OrderFactory(user_id=uuid.uuid4())

    response = _put(api_client, order, target, customer_headers)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert Order.objects.get(id=order.id).status == "pending"
    assert not partners.calls


def test_order_status_move_publishes_the_change_with_the_move(api_client, partners,
                                                             admin_headers):
    order = OrderFactory(status="pending")

    _put(api_client, order, "processing", admin_headers)
    _put(api_client, order, "processing", admin_headers)

    [event] = OutboxEvent.objects.filter(type="shop.order.status_changed")
    assert event.subject == str(order.id)
    assert event.envelope["data"] == {"order_id": str(order.id), "user_id": str(order.user_id),
                                      "from": "pending", "to": "processing"}
    [change] = order.history.all()
    assert (change.from_state, change.to_state) == ("pending", "processing")


def test_order_status_cancel_that_cannot_give_stock_back_publishes_nothing(
        api_client, partners, admin_headers):
    order = OrderFactory(status="pending")
    partners.add(responses.DELETE, upstream.release_url_pattern(), status=503)

    response = _put(api_client, order, "cancelled", admin_headers)

    assert response.status_code == 503
    assert not OutboxEvent.objects.exists()
    assert not order.history.exists()


@pytest.mark.parametrize("service", ["carrier_service", "payment_service", "order_service"])
def test_order_status_change_by_another_service_is_403(api_client, partners, service):
    order = OrderFactory(status="pending")

    response = _put(api_client, order, "cancelled", auth_header(role="SERVICE", service=service))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Order.objects.get(id=order.id).status == "pending"
    assert not partners.calls


def test_order_status_change_needs_a_token(api_client):
    response = _put(api_client, OrderFactory(), "processing", {})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_order_status_change_of_an_unknown_order_is_404(api_client, admin_headers):
    response = api_client.put(f"/api/orders/{uuid.uuid4()}/status", {"status": "processing"},
                              format="json", **admin_headers)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
