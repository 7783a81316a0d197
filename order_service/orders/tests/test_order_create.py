"""`POST /api/orders`: validation, the one reservation call, the user copy, failures and
idempotency."""

import json
import re
import uuid
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
import requests
import responses
from django.db import DatabaseError
from django.utils import timezone

from common.auth.revocations import revocation_record
from common.events import validate_event
from common.events.models import OutboxEvent
from common.testing import auth_header, read_token
from orders import selectors, services
from orders.models import IdempotencyKey, KnownUser, Order, OrderItem
from orders.tests import upstream
from orders.tests.factories import KnownUserFactory
from orders.tests.upstream import calls_to, product, stub_happy_path

pytestmark = pytest.mark.django_db

ORDERS = "/api/orders"


def _body(*lines, **extra):
    return {"items": [{"product_id": p["id"], "quantity": q} for p, q in lines], **extra}


def _post(api_client, headers, body, **extra):
    return api_client.post(ORDERS, body, format="json", **headers, **extra)


def _reserve_calls(partners):
    return calls_to(partners, "POST", upstream.reservations_url())


def _release_calls(partners):
    return calls_to(partners, "DELETE", upstream.reservations_url())


def _nothing_held(partners) -> bool:
    """Every reservation made (it runs beside the checks) was given back by its reference."""
    made = {json.loads(call.request.body)["reference"] for call in _reserve_calls(partners)
            if getattr(call.response, "status_code", None) in (200, 201)}
    released = {call.request.url.rsplit("/", 1)[1] for call in _release_calls(partners)}
    return made <= released


# ---- success -------------------------------------------------------------------------------

def test_order_create_prices_lines_from_the_products(api_client, partners, customer_id,
                                                     customer_headers):
    keyboard = product(price="89.90", name="Keyboard")
    mouse = product(price="29.99", name="Mouse")
    stub_happy_path(partners, customer_id, [keyboard, mouse])

    response = _post(api_client, customer_headers, _body((keyboard, 1), (mouse, 3)))

    assert response.status_code == 201
    order = response.json()
    assert set(order) == {"id", "user_id", "items", "total_amount", "status", "created_at",
                          "updated_at"}
    assert order["user_id"] == str(customer_id)
    assert order["status"] == "pending"
    assert order["total_amount"] == "179.87"
    assert sorted((i["product_id"], i["name"], i["unit_price"], i["quantity"], i["line_total"])
                  for i in order["items"]) == sorted([
        (keyboard["id"], "Keyboard", "89.90", 1, "89.90"),
        (mouse["id"], "Mouse", "29.99", 3, "89.97")])
    saved = Order.objects.get(id=order["id"])
    assert (saved.status, saved.total_amount) == ("pending", Decimal("179.87"))


def test_order_create_publishes_the_order_with_its_lines(api_client, partners, customer_id,
                                                         customer_headers):
    keyboard = product(price="89.90", name="Keyboard")
    stub_happy_path(partners, customer_id, [keyboard])

    order = _post(api_client, customer_headers, _body((keyboard, 2))).json()

    [event] = OutboxEvent.objects.all()
    validate_event(event.envelope)
    assert (event.type, event.subject) == ("shop.order.created", order["id"])
    data = event.envelope["data"]
    assert data["items"] == [{"product_id": keyboard["id"], "name": "Keyboard",
                              "unit_price": "89.90", "quantity": 2, "line_total": "179.80"}]
    assert (data["order_id"], data["user_id"], data["total_amount"], data["status"]) == (
        order["id"], str(customer_id), "179.80", "pending")
    [change] = Order.objects.get(id=order["id"]).history.all()
    assert (change.from_state, change.to_state) == (None, "pending")


def test_order_create_refused_publishes_nothing(api_client, partners, customer_id,
                                                customer_headers):
    keyboard = product()
    upstream.stub_reserve(partners, status=409, details={"items": []})

    response = _post(api_client, customer_headers, _body((keyboard, 5)))

    assert response.status_code == 409
    assert not OutboxEvent.objects.exists()


def test_order_create_reserves_stock_under_the_order_id(api_client, partners, customer_id,
                                                        customer_headers):
    keyboard = product()
    stub_happy_path(partners, customer_id, [keyboard])

    response = _post(api_client, customer_headers, _body((keyboard, 2)))

    [reserve] = _reserve_calls(partners)
    assert json.loads(reserve.request.body) == {
        "reference": response.json()["id"],
        "items": [{"product_id": keyboard["id"], "quantity": 2}]}
    assert not _release_calls(partners)


def test_order_create_for_oneself_makes_one_call_the_reservation(api_client, partners,
                                                                 customer_id, customer_headers):
    """The caller's own token vouches for the user, the reservation prices the lines: no
    user lookup and no product read."""
    products = [product() for _ in range(3)]
    stub_happy_path(partners, customer_id, products)

    response = _post(api_client, customer_headers, _body(*[(p, 1) for p in products]))

    assert response.status_code == 201
    [call] = partners.calls
    assert (call.request.method, call.request.url) == ("POST", upstream.reservations_url())


def test_order_create_prices_lines_as_the_reservation_answered(api_client, partners,
                                                               customer_id, customer_headers):
    """The name and price are the reservation's, taken at the moment the stock was held."""
    keyboard = product(price="89.90", name="Keyboard")
    on_sale = dict(keyboard, price="79.90", name="Keyboard (sale)")
    upstream.stub_reserve(partners, products=[on_sale])

    response = _post(api_client, customer_headers, _body((keyboard, 2)))

    assert response.status_code == 201
    [line] = response.json()["items"]
    assert (line["name"], line["unit_price"], line["line_total"]) == (
        "Keyboard (sale)", "79.90", "159.80")


@pytest.mark.parametrize("answer", [
    pytest.param({"status": 201, "body": "not json"}, id="not-json"),
    pytest.param({"status": 201, "json": {"reference": "x", "items": []}}, id="no-lines"),
    pytest.param({"status": 201, "json": {"reference": "x", "items": "nope"}}, id="bad-lines"),
])
def test_order_create_with_a_reservation_answer_missing_prices_is_503_and_releases(
        api_client, partners, customer_headers, answer):
    partners.add(responses.POST, upstream.reservations_url(), **answer)
    upstream.stub_release(partners)

    response = _post(api_client, customer_headers, _body((product(), 1)))

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "upstream_unavailable"
    assert len(_release_calls(partners)) == 1
    assert not Order.objects.exists()


def test_order_create_makes_the_same_calls_for_1_and_50_lines(api_client, partners, customer_id,
                                                              customer_headers):
    many = [product() for _ in range(50)]
    stub_happy_path(partners, customer_id, many)

    _post(api_client, customer_headers, _body((many[0], 1)))
    calls_for_one = len(partners.calls)
    _post(api_client, customer_headers, _body(*[(p, 1) for p in many]))
    calls_for_fifty = len(partners.calls) - calls_for_one

    assert calls_for_one == calls_for_fifty == 1
    assert Order.objects.count() == 2
    assert OrderItem.objects.count() == 51


def test_order_create_merges_the_same_product_named_twice(api_client, partners, customer_id,
                                                          customer_headers):
    keyboard = product(price="10.00")
    stub_happy_path(partners, customer_id, [keyboard])

    response = _post(api_client, customer_headers, _body((keyboard, 2), (keyboard, 3)))

    assert response.status_code == 201
    assert [(i["quantity"], i["line_total"]) for i in response.json()["items"]] == [(5, "50.00")]
    [reserve] = _reserve_calls(partners)
    assert json.loads(reserve.request.body)["items"] == [
        {"product_id": keyboard["id"], "quantity": 5}]


def test_order_create_by_admin_for_a_user_the_copy_has_not_seen_asks_user_service_once(
        api_client, partners, admin_headers):
    customer = uuid.uuid4()
    keyboard = product()
    stub_happy_path(partners, customer, [keyboard])

    first = _post(api_client, admin_headers, _body((keyboard, 1), user_id=str(customer)))
    second = _post(api_client, admin_headers, _body((keyboard, 1), user_id=str(customer)))

    assert first.status_code == second.status_code == 201
    assert first.json()["user_id"] == str(customer)
    # the lookup's answer is kept: the second order needs no lookup
    assert len(calls_to(partners, "GET", upstream.user_url(customer))) == 1
    known = KnownUser.objects.get(user_id=customer)
    assert (known.is_active, known.source) == (True, "lookup")


def test_order_create_by_admin_for_a_user_known_from_the_events_makes_no_lookup(
        api_client, partners, admin_headers):
    customer = uuid.uuid4()
    KnownUserFactory(user_id=customer)
    keyboard = product()
    upstream.stub_reserve(partners, products=[keyboard])

    response = _post(api_client, admin_headers, _body((keyboard, 1), user_id=str(customer)))

    assert response.status_code == 201
    [call] = partners.calls
    assert call.request.url == upstream.reservations_url()


def test_order_create_for_a_user_the_events_said_is_gone_is_400_with_no_call(
        api_client, partners, admin_headers):
    gone = uuid.uuid4()
    KnownUserFactory(user_id=gone, is_active=False)

    response = _post(api_client, admin_headers, _body((product(), 1), user_id=str(gone)))

    assert response.status_code == 400
    assert response.json()["error"]["reason"] == "unknown_user"
    assert "user_id" in response.json()["error"]["details"]
    assert len(partners.calls) == 0
    assert not Order.objects.exists()


def test_order_create_for_oneself_needs_no_user_service(api_client, partners, customer_id,
                                                        customer_headers):
    keyboard = product()
    partners.add(responses.GET, upstream.user_url(customer_id),
                 body=requests.exceptions.ConnectionError("down"))
    upstream.stub_reserve(partners, products=[keyboard])

    response = _post(api_client, customer_headers, _body((keyboard, 1)))

    assert response.status_code == 201
    assert not calls_to(partners, "GET", upstream.user_url(customer_id))


def test_order_create_with_a_revoked_token_is_401_and_calls_nobody(api_client, partners,
                                                                   customer_id):
    """A deactivated or deleted user is known from the revocation list its event fed."""
    headers = auth_header(role="USER", user_id=customer_id)
    revocation_record(user_id=customer_id, not_before=timezone.now() + timedelta(seconds=5),
                      reason="deleted")

    response = _post(api_client, headers, _body((product(), 1)))

    assert response.status_code == 401
    assert len(partners.calls) == 0


def test_order_create_by_a_service_for_itself_checks_the_user(api_client, partners):
    """A SERVICE token names no customer: its id is looked up like anybody else's (404)."""
    headers = auth_header(role="SERVICE", service="store_service")
    partners.add(responses.GET, re.compile(rf"{re.escape(upstream.base('user_service'))}/.*"),
                 status=404, json={"error": {"status": 404, "code": "not_found"}})
    upstream.stub_reserve(partners)
    upstream.stub_release(partners)

    response = _post(api_client, headers, _body((product(), 1)))

    assert response.status_code == 400
    assert response.json()["error"]["reason"] == "unknown_user"
    assert _nothing_held(partners)


def test_order_create_naming_oneself_is_allowed(api_client, partners, customer_id,
                                                customer_headers):
    keyboard = product()
    stub_happy_path(partners, customer_id, [keyboard])

    response = _post(api_client, customer_headers, _body((keyboard, 1), user_id=str(customer_id)))

    assert response.status_code == 201


def test_order_create_accepts_50_lines_of_1000_at_the_highest_price(api_client, partners,
                                                                   customer_id, customer_headers):
    many = [product(price="99999999.99") for _ in range(50)]
    stub_happy_path(partners, customer_id, many)

    response = _post(api_client, customer_headers, _body(*[(p, 1000) for p in many]))

    assert response.status_code == 201
    assert response.json()["total_amount"] == "4999999999500.00"


def test_order_create_sends_a_service_token_and_the_request_id(api_client, partners, customer_id,
                                                               customer_headers):
    keyboard = product()
    stub_happy_path(partners, customer_id, [keyboard])

    _post(api_client, customer_headers, _body((keyboard, 1)), HTTP_X_REQUEST_ID="req-42")

    assert len(partners.calls) == 1
    for call in partners.calls:
        assert call.request.headers["X-Request-ID"] == "req-42"
        scheme, token = call.request.headers["Authorization"].split()
        assert scheme == "Bearer"
        assert read_token(token)["role"] == "SERVICE"


# ---- validation and permissions --------------------------------------------------------------

@pytest.mark.parametrize("body", [
    {},
    {"items": []},
    {"items": "nope"},
    {"items": [{"product_id": "not-a-uuid", "quantity": 1}]},
    {"items": [{"product_id": str(uuid.uuid4()), "quantity": 0}]},
    {"items": [{"product_id": str(uuid.uuid4()), "quantity": 1001}]},
    {"items": [{"product_id": str(uuid.uuid4()), "quantity": "many"}]},
    {"items": [{"product_id": str(uuid.uuid4())}]},
    {"items": [{"product_id": str(uuid.uuid4()), "quantity": 1} for _ in range(51)]},
    {"items": [{"product_id": str(uuid.uuid4()), "quantity": 1}], "user_id": "nobody"},
])
def test_order_create_rejects_invalid_bodies(api_client, partners, customer_headers, body):
    response = _post(api_client, customer_headers, body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert len(partners.calls) == 0
    assert not Order.objects.exists()


def test_order_create_rejects_a_merged_quantity_over_1000(api_client, partners,
                                                          customer_headers):
    keyboard = product()

    response = _post(api_client, customer_headers, _body((keyboard, 600), (keyboard, 401)))

    assert response.status_code == 400
    assert "items" in response.json()["error"]["details"]
    assert len(partners.calls) == 0


def test_order_create_rejects_a_malformed_idempotency_key(api_client, partners,
                                                          customer_headers):
    response = _post(api_client, customer_headers, _body((product(), 1)),
                     HTTP_IDEMPOTENCY_KEY="x" * 256)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["details"]


def test_order_create_needs_a_token(api_client, partners):
    response = _post(api_client, {}, _body((product(), 1)))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_order_create_with_a_bad_token_is_401(api_client, partners):
    response = _post(api_client, {"HTTP_AUTHORIZATION": "Bearer nope"}, _body((product(), 1)))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_order_create_for_someone_else_is_403_for_a_user(api_client, partners, customer_headers):
    response = _post(api_client, customer_headers,
                     _body((product(), 1), user_id=str(uuid.uuid4())))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert len(partners.calls) == 0


def test_order_create_for_an_unknown_user_is_400(api_client, partners, admin_headers):
    ghost, keyboard = uuid.uuid4(), product()
    stub_happy_path(partners, uuid.uuid4(), [keyboard])
    upstream.stub_user(partners, ghost, status=404)

    response = _post(api_client, admin_headers, _body((keyboard, 1), user_id=str(ghost)))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["reason"] == "unknown_user"
    assert "user_id" in response.json()["error"]["details"]
    assert not KnownUser.objects.filter(user_id=ghost).exists()
    # the reservation ran beside the user lookup and was given back
    assert len(_reserve_calls(partners)) == len(_release_calls(partners)) == 1
    assert _nothing_held(partners)
    assert not Order.objects.exists()


def test_order_create_with_an_unknown_product_is_400(api_client, partners, customer_id,
                                                     customer_headers):
    known, unknown = product(), product()
    # product_service refuses to reserve an unknown product: nothing to give back
    upstream.stub_reserve(partners, products=[known])

    response = _post(api_client, customer_headers, _body((known, 1), (unknown, 1)))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["reason"] == "unknown_product"
    assert response.json()["error"]["details"]["items"] == [f"Unknown product {unknown['id']}."]
    assert not _release_calls(partners)
    assert not Order.objects.exists()


# ---- stock ---------------------------------------------------------------------------------

def test_order_create_without_enough_stock_is_409(api_client, partners, customer_id,
                                                  customer_headers):
    keyboard = product()
    shortage = {"items": [{"product_id": keyboard["id"], "requested": 5, "available": 1}]}
    upstream.stub_reserve(partners, status=409, details=shortage)

    response = _post(api_client, customer_headers, _body((keyboard, 5)))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert response.json()["error"]["reason"] == "insufficient_stock"
    assert response.json()["error"]["details"] == shortage
    assert not Order.objects.exists()


# ---- partners down -------------------------------------------------------------------------

@pytest.mark.parametrize("failure", [
    {"body": requests.exceptions.ConnectionError("refused")},
    {"body": requests.exceptions.ReadTimeout("slow")},
    {"status": 500, "json": {"error": {}}},
])
def test_order_create_when_user_service_fails_is_503(api_client, partners, admin_headers,
                                                     failure):
    """Only a user the local copy has not seen needs user_service (an ADMIN ordering for them)."""
    keyboard, customer = product(), uuid.uuid4()
    partners.add(responses.GET, upstream.user_url(customer), **failure)
    upstream.stub_reserve(partners, products=[keyboard])
    upstream.stub_release(partners)

    response = _post(api_client, admin_headers, _body((keyboard, 1), user_id=str(customer)))

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "upstream_unavailable"
    assert len(_release_calls(partners)) == 1
    assert _nothing_held(partners)
    assert not Order.objects.exists()


@pytest.mark.parametrize("failure", [
    {"body": requests.exceptions.ReadTimeout("slow")},
    {"status": 503, "json": {"error": {}}},
])
def test_order_create_when_reserving_fails_releases_and_is_503(api_client, partners, customer_id,
                                                               customer_headers, failure):
    keyboard = product()
    partners.add(responses.POST, upstream.reservations_url(), **failure)
    upstream.stub_release(partners, status=404)

    response = _post(api_client, customer_headers, _body((keyboard, 1)))

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "upstream_unavailable"
    [reserve] = _reserve_calls(partners)
    [release] = _release_calls(partners)
    reference = json.loads(reserve.request.body)["reference"]
    assert release.request.url.endswith(f"/reservations/{reference}")
    assert not Order.objects.exists()


def test_order_create_when_saving_fails_releases_the_reservation(api_client, partners,
                                                                 customer_id, customer_headers):
    keyboard = product()
    stub_happy_path(partners, customer_id, [keyboard])

    with mock.patch("orders.services._order_insert", side_effect=DatabaseError("disk full")):
        response = _post(api_client, customer_headers, _body((keyboard, 1)))

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    [reserve] = _reserve_calls(partners)
    [release] = _release_calls(partners)
    reference = json.loads(reserve.request.body)["reference"]
    assert release.request.url.endswith(f"/reservations/{reference}")
    assert not Order.objects.exists()
    assert not OrderItem.objects.exists()


def test_order_create_when_saving_a_line_fails_keeps_no_order(api_client, partners, customer_id,
                                                              customer_headers):
    keyboard = product()
    stub_happy_path(partners, customer_id, [keyboard])

    real_insert = services.insert_rows

    def failing_on_lines(objs, **kwargs):
        if isinstance(objs[0], OrderItem):
            raise DatabaseError("lost connection")
        return real_insert(objs, **kwargs)

    with mock.patch("orders.services.insert_rows", side_effect=failing_on_lines):
        response = _post(api_client, customer_headers, _body((keyboard, 1)))

    assert response.status_code == 500
    assert len(_release_calls(partners)) == 1
    assert not Order.objects.exists()


# ---- Idempotency-Key -----------------------------------------------------------------------

def test_order_create_replayed_with_the_same_key_returns_the_first_order(
        api_client, partners, customer_id, customer_headers):
    keyboard = product()
    stub_happy_path(partners, customer_id, [keyboard])
    body = _body((keyboard, 2))

    first = _post(api_client, customer_headers, body, HTTP_IDEMPOTENCY_KEY="key-1")
    calls_after_first = len(partners.calls)
    replay = _post(api_client, customer_headers, body, HTTP_IDEMPOTENCY_KEY="key-1")

    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert Order.objects.count() == 1
    assert len(partners.calls) == calls_after_first


def test_order_create_with_a_used_key_and_another_body_is_409(api_client, partners, customer_id,
                                                               customer_headers):
    keyboard = product()
    stub_happy_path(partners, customer_id, [keyboard])
    _post(api_client, customer_headers, _body((keyboard, 2)), HTTP_IDEMPOTENCY_KEY="key-1")

    response = _post(api_client, customer_headers, _body((keyboard, 3)),
                     HTTP_IDEMPOTENCY_KEY="key-1")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert response.json()["error"]["reason"] == "idempotency_key_reused"
    assert Order.objects.count() == 1


def test_order_create_keys_are_per_user(api_client, partners, customer_id, customer_headers):
    other = uuid.uuid4()
    keyboard = product()
    stub_happy_path(partners, customer_id, [keyboard])
    upstream.stub_user(partners, other)
    body = _body((keyboard, 1))

    mine = _post(api_client, customer_headers, body, HTTP_IDEMPOTENCY_KEY="key-1")
    theirs = _post(api_client, auth_header(user_id=other), body, HTTP_IDEMPOTENCY_KEY="key-1")

    assert mine.json()["id"] != theirs.json()["id"]
    assert IdempotencyKey.objects.count() == 2


def test_order_create_without_a_key_creates_each_time(api_client, partners, customer_id,
                                                      customer_headers):
    keyboard = product()
    stub_happy_path(partners, customer_id, [keyboard])

    _post(api_client, customer_headers, _body((keyboard, 1)))
    _post(api_client, customer_headers, _body((keyboard, 1)))

    assert Order.objects.count() == 2


def test_order_create_failed_with_a_key_can_be_retried(api_client, partners, customer_id,
                                                       customer_headers):
    keyboard = product()
    partners.add(responses.POST, upstream.reservations_url(), status=503)
    upstream.stub_release(partners)
    first = _post(api_client, customer_headers, _body((keyboard, 1)), HTTP_IDEMPOTENCY_KEY="k")
    partners.remove(responses.POST, upstream.reservations_url())
    upstream.stub_reserve(partners, products=[keyboard])

    retry = _post(api_client, customer_headers, _body((keyboard, 1)), HTTP_IDEMPOTENCY_KEY="k")

    assert first.status_code == 503
    assert retry.status_code == 201
    assert Order.objects.count() == 1


def test_order_create_losing_an_idempotency_race_answers_the_winner(api_client, partners,
                                                                    customer_id,
                                                                    customer_headers):
    keyboard = product()
    stub_happy_path(partners, customer_id, [keyboard])
    body = _body((keyboard, 1))
    winner = _post(api_client, customer_headers, body, HTTP_IDEMPOTENCY_KEY="k").json()
    real_lookup = selectors.idempotency_key_get
    answers = [None]  # the first lookup runs before the winner committed its key

    def lookup(**kwargs):
        return answers.pop() if answers else real_lookup(**kwargs)

    with mock.patch("orders.selectors.idempotency_key_get", side_effect=lookup):
        response = _post(api_client, customer_headers, body, HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 201
    assert response.json() == winner
    assert Order.objects.count() == 1
    [_, loser_reserve] = _reserve_calls(partners)
    [release] = _release_calls(partners)
    loser_reference = json.loads(loser_reserve.request.body)["reference"]
    assert release.request.url.endswith(f"/reservations/{loser_reference}")
