"""orders.clients at the HTTP boundary: answers, 404s, 5xx, timeouts, refused connections."""

import json
import uuid
from decimal import Decimal

import pytest
import requests
import responses
from rest_framework.exceptions import ValidationError

from common.errors import Conflict, UpstreamUnavailable
from common.request_id import request_id_var
from common.testing import read_token
from orders import clients
from orders.tests import upstream

FAILURES = [
    pytest.param({"status": 500, "json": {"error": {}}}, id="5xx"),
    pytest.param({"body": requests.exceptions.ReadTimeout("slow")}, id="read-timeout"),
    pytest.param({"body": requests.exceptions.ConnectTimeout("slow")}, id="connect-timeout"),
    pytest.param({"body": requests.exceptions.ConnectionError("refused")}, id="refused"),
    pytest.param({"status": 401, "json": {"error": {}}}, id="unexpected-4xx"),
]


@pytest.fixture
def request_id():
    token = request_id_var.set("req-clients-1")
    yield "req-clients-1"
    request_id_var.reset(token)


def _assert_service_call(call, request_id):
    scheme, token = call.request.headers["Authorization"].split()
    assert scheme == "Bearer"
    assert read_token(token)["role"] == "SERVICE"
    assert call.request.headers["X-Request-ID"] == request_id


# ---- user_service --------------------------------------------------------------------------

def test_user_exists_when_user_service_knows_the_user(partners, request_id):
    user_id = uuid.uuid4()
    upstream.stub_user(partners, user_id)

    assert clients.user_exists(user_id=user_id) is True
    _assert_service_call(partners.calls[0], request_id)


def test_user_exists_is_false_on_404(partners):
    user_id = uuid.uuid4()
    upstream.stub_user(partners, user_id, status=404)

    assert clients.user_exists(user_id=user_id) is False


@pytest.mark.parametrize("failure", FAILURES)
def test_user_exists_raises_upstream_unavailable(partners, failure):
    user_id = uuid.uuid4()
    partners.add(responses.GET, upstream.user_url(user_id), **failure)

    with pytest.raises(UpstreamUnavailable) as raised:
        clients.user_exists(user_id=user_id)

    assert raised.value.service == "user_service"


# ---- product_service: reservations ---------------------------------------------------------

@pytest.mark.parametrize("status", [200, 201])
def test_reservation_create_sends_the_reference_and_items(partners, request_id, status):
    product_id = uuid.uuid4()
    partners.add(responses.POST, upstream.reservations_url(), status=status, json={
        "reference": "order-1", "status": "reserved", "items": [
            {"product_id": str(product_id), "quantity": 3, "name": "Keyboard",
             "unit_price": "89.90"}]})

    lines = clients.reservation_create(reference="order-1", quantities={product_id: 3})

    assert lines == {product_id: clients.ReservedLine(name="Keyboard",
                                                      unit_price=Decimal("89.90"))}
    [call] = partners.calls
    assert json.loads(call.request.body) == {
        "reference": "order-1", "items": [{"product_id": str(product_id), "quantity": 3}]}
    _assert_service_call(call, request_id)


PRODUCT = uuid.uuid4()


@pytest.mark.parametrize("items", [
    pytest.param([], id="line-missing"),
    pytest.param([{"quantity": 3, "name": "K", "unit_price": "1.00"}], id="no-product-id"),
    pytest.param([{"product_id": str(PRODUCT), "quantity": 3, "name": "K", "unit_price": None}],
                 id="null-price"),
    pytest.param([{"product_id": str(PRODUCT), "quantity": 3, "name": "K",
                   "unit_price": "cheap"}], id="bad-price"),
    pytest.param([{"product_id": str(PRODUCT), "quantity": 3, "unit_price": "1.00"}],
                 id="no-name"),
    pytest.param(["nope"], id="not-an-object"),
])
def test_reservation_create_answer_without_every_price_is_upstream_unavailable(partners, items):
    partners.add(responses.POST, upstream.reservations_url(), status=201,
                 json={"reference": "order-1", "items": items})

    with pytest.raises(UpstreamUnavailable):
        clients.reservation_create(reference="order-1", quantities={PRODUCT: 3})


def test_reservation_create_409_is_a_conflict_with_details(partners):
    details = {"items": [{"product_id": "p", "requested": 2, "available": 0}]}
    upstream.stub_reserve(partners, status=409, details=details)

    with pytest.raises(Conflict) as raised:
        clients.reservation_create(reference="order-1", quantities={uuid.uuid4(): 2})

    assert raised.value.details == details
    assert raised.value.reason == "insufficient_stock"


@pytest.mark.parametrize("message", ["Not enough stock for some items.", "anything at all"])
def test_reservation_create_branches_on_the_reason_not_the_message(partners, message):
    partners.add(responses.POST, upstream.reservations_url(), status=409, json={"error": {
        "status": 409, "code": "conflict", "message": message, "details": None,
        "reason": "reservation_reference_reused"}})

    with pytest.raises(UpstreamUnavailable):
        clients.reservation_create(reference="order-1", quantities={uuid.uuid4(): 2})


def test_reservation_create_400_is_a_validation_error_on_items(partners):
    upstream.stub_reserve(partners, status=400, details={"items": ["Unknown product x."]})

    with pytest.raises(ValidationError) as raised:
        clients.reservation_create(reference="order-1", quantities={uuid.uuid4(): 2})

    assert raised.value.detail["items"] == ["Unknown product x."]
    assert raised.value.reason == "unknown_product"


@pytest.mark.parametrize("failure", [*FAILURES, pytest.param({"status": 404}, id="404")])
def test_reservation_create_raises_upstream_unavailable(partners, failure):
    partners.add(responses.POST, upstream.reservations_url(), **failure)

    with pytest.raises(UpstreamUnavailable):
        clients.reservation_create(reference="order-1", quantities={uuid.uuid4(): 1})


def test_reservation_create_is_not_retried(partners):
    partners.add(responses.POST, upstream.reservations_url(), status=503)

    with pytest.raises(UpstreamUnavailable):
        clients.reservation_create(reference="order-1", quantities={uuid.uuid4(): 1})

    assert len(partners.calls) == 1


def test_reservation_release_deletes_by_reference(partners, request_id):
    upstream.stub_release(partners)

    assert clients.reservation_release(reference="order-1") is True
    [call] = partners.calls
    assert call.request.url == f"{upstream.reservations_url()}/order-1"
    _assert_service_call(call, request_id)


def test_reservation_release_of_an_unknown_reference_is_false(partners):
    upstream.stub_release(partners, status=404)

    assert clients.reservation_release(reference="order-1") is False


@pytest.mark.parametrize("failure", FAILURES)
def test_reservation_release_raises_upstream_unavailable(partners, failure):
    partners.add(responses.DELETE, upstream.release_url_pattern(), **failure)

    with pytest.raises(UpstreamUnavailable):
        clients.reservation_release(reference="order-1")
