"""The fulfilment flow against fake partners: success, outages, refusals, breaker, crash."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from common.testing import auth_header
from purchases import fulfilment, states
from purchases.breakers import partner_breaker
from purchases.models import Purchase
from purchases.tests.conftest import CARD
from purchases.tests.fakes import PROVIDER_ADDRESS

pytestmark = pytest.mark.django_db


def _create(api_client, *, user_id, order, address, **extra):
    return api_client.post("/api/purchases", {"order_id": order["id"], "address": address,
                                              "payment": CARD,
                                              **extra},
                           format="json", **auth_header(user_id=user_id))


def _make_due(purchase_id):
    """Time passes: the purchase's next attempt is now."""
    Purchase.objects.filter(pk=purchase_id).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1))


def _history(purchase_id):
    return list(Purchase.objects.get(pk=purchase_id).history.values_list("from_state",
                                                                         "to_state"))


def test_purchase_create_reaches_reserve_delivered_when_partners_accept(
        api_client, partners, user_id, address):
    order = partners.add_order(user_id=user_id)

    response = _create(api_client, user_id=user_id, order=order, address=address)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "RESERVE_DELIVERED"
    assert body["info_order"]["order_number"].startswith("SUP-")
    assert body["info_provider"]["state"] == "SP"
    assert body["info_delivery"]["status"] == "SCHEDULED"
    assert [(h["from"], h["to"]) for h in body["history"]] == [
        (None, "RECEIVED"), ("RECEIVED", "PAYMENT_AUTHORIZED"),
        ("PAYMENT_AUTHORIZED", "ORDER_REQUESTED"), ("ORDER_REQUESTED", "RESERVE_DELIVERED")]
    assert body["next_attempt_at"] is None and body["attempts"] == 0
    assert partners.status_puts == [(order["id"], "processing")]
    delivery = partners.delivery_posts[0]
    assert delivery["origin"]["address"] == PROVIDER_ADDRESS
    assert delivery["destination"]["address"]["street"] == address["street"]
    assert delivery["destination"]["address"]["state"] == "SP"
    assert delivery["reference"] == f"{body['id']}:delivery"
    assert delivery["items"] == [{"product_id": order["items"][0]["product_id"], "quantity": 2}]
    post = partners.supplier_posts[0]
    assert post["reference"] == post["idempotency_key"] == f"{body['id']}:order"


def test_supplier_down_keeps_the_purchase_received_then_the_worker_finishes_it(
        api_client, partners, user_id, address):
    partners.down["supplier"] = True
    order = partners.add_order(user_id=user_id)

    response = _create(api_client, user_id=user_id, order=order, address=address)

    assert response.status_code == 202, response.content
    body = response.json()
    assert body["state"] == "PAYMENT_AUTHORIZED"
    assert "supplier_service unavailable" in body["last_error"]
    assert body["attempts"] == 1
    assert body["next_attempt_at"] is not None
    assert _history(body["id"]) == [(None, "RECEIVED"), ("RECEIVED", "PAYMENT_AUTHORIZED")]

    partners.down["supplier"] = False
    _make_due(body["id"])
    call_command("process_purchases", "--once")

    purchase = Purchase.objects.get(pk=body["id"])
    assert purchase.state == "RESERVE_DELIVERED"
    assert purchase.last_error == "" and purchase.next_attempt_at is None
    assert _history(body["id"])[-1] == ("ORDER_REQUESTED", "RESERVE_DELIVERED")


def test_the_worker_leaves_purchases_that_are_not_due_yet(api_client, partners, user_id,
                                                           address):
    partners.down["supplier"] = True
    order = partners.add_order(user_id=user_id)
    body = _create(api_client, user_id=user_id, order=order, address=address).json()
    partners.down["supplier"] = False
    posts_before = len(partners.supplier_posts)

    call_command("process_purchases", "--once")

    assert Purchase.objects.get(pk=body["id"]).state == "PAYMENT_AUTHORIZED"
    assert len(partners.supplier_posts) == posts_before


def test_carrier_down_keeps_order_requested_and_the_retry_orders_from_the_supplier_once(
        api_client, partners, user_id, address):
    partners.down["carrier"] = True
    order = partners.add_order(user_id=user_id)

    response = _create(api_client, user_id=user_id, order=order, address=address)

    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "ORDER_REQUESTED"
    assert "carrier_service unavailable" in body["last_error"]
    assert partners.status_puts == []

    partners.down["carrier"] = False
    _make_due(body["id"])
    call_command("process_purchases", "--once")

    assert Purchase.objects.get(pk=body["id"]).state == "RESERVE_DELIVERED"
    assert partners.supplier_post_count(body["id"]) == 1
    assert partners.status_puts == [(order["id"], "processing")]


def test_supplier_refusal_fails_the_purchase_and_cancels_the_order(
        api_client, partners, user_id, address):
    partners.refuse["supplier"] = 409
    order = partners.add_order(user_id=user_id)

    response = _create(api_client, user_id=user_id, order=order, address=address)

    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "FAILED"
    assert "supplier_service refused" in body["failure_reason"]
    # Built from the refusal's status, code and details, not from the supplier's message.
    assert "HTTP 409 conflict" in body["failure_reason"]
    assert "'available': 0" in body["failure_reason"]
    assert "Not enough supplier stock" not in body["failure_reason"]
    assert partners.status_puts == [(order["id"], "cancelled")]
    assert partners.orders[order["id"]]["status"] == "cancelled"
    assert partners.supplier_cancels == []  # there was no supplier order to cancel
    assert _history(body["id"]) == [(None, "RECEIVED"), ("RECEIVED", "PAYMENT_AUTHORIZED"),
                                    ("PAYMENT_AUTHORIZED", "FAILED")]
    assert body["payment"]["status"] == "voided"  # the authorization is released
    assert partners.ops_for(body["id"]) == ["authorize", "void"]
    assert body["settled"] is True


def test_unknown_region_at_the_supplier_fails_the_purchase(api_client, partners, user_id,
                                                           address):
    order = partners.add_order(user_id=user_id)

    response = _create(api_client, user_id=user_id, order=order,
                       address={**address, "state": "AC"})

    assert response.json()["state"] == "FAILED"
    assert "HTTP 404 not_found {'state': 'AC'}" in response.json()["failure_reason"]
    assert partners.supplier_posts == []


def test_carrier_refusal_cancels_the_supplier_order_and_the_order(
        api_client, partners, user_id, address):
    partners.refuse["carrier"] = 400
    order = partners.add_order(user_id=user_id)

    body = _create(api_client, user_id=user_id, order=order, address=address).json()

    assert body["state"] == "FAILED"
    assert "carrier_service refused" in body["failure_reason"]
    assert partners.supplier_cancels == [body["info_order"]["order_number"]]
    assert partners.status_puts == [(order["id"], "cancelled")]
    assert _history(body["id"])[-1] == ("ORDER_REQUESTED", "FAILED")


def test_an_order_cancelled_meanwhile_fails_the_purchase_when_marking_it_processing(
        api_client, partners, user_id, address):
    order = partners.add_order(user_id=user_id)
    partners.down["carrier"] = True
    body = _create(api_client, user_id=user_id, order=order, address=address).json()
    partners.orders[order["id"]]["status"] = "cancelled"  # the customer cancelled it
    partners.down["carrier"] = False

    _make_due(body["id"])
    call_command("process_purchases", "--once")

    purchase = Purchase.objects.get(pk=body["id"])
    assert purchase.state == "FAILED"
    assert "order_service refused" in purchase.failure_reason
    assert partners.supplier_cancels == [purchase.info_order["order_number"]]
    # The carrier's booking was answered before the refusal: the purchase still shows it.
    assert purchase.info_delivery["reference"] == f"{purchase.id}:delivery"


def test_retries_run_out_and_the_purchase_fails_with_compensation(
        settings, api_client, partners, user_id, address):
    settings.PURCHASE_MAX_ATTEMPTS = 3
    partners.down["carrier"] = True
    order = partners.add_order(user_id=user_id)
    body = _create(api_client, user_id=user_id, order=order, address=address).json()

    for _ in range(2):
        _make_due(body["id"])
        call_command("process_purchases", "--once")

    purchase = Purchase.objects.get(pk=body["id"])
    assert purchase.state == "FAILED"
    assert purchase.attempts == 3
    assert purchase.failure_reason.startswith("retries exhausted after 3 attempts")
    assert partners.supplier_cancels == [purchase.info_order["order_number"]]
    assert partners.status_puts == [(order["id"], "cancelled")]


def test_backoff_doubles_from_the_base_and_stops_at_the_cap(settings):
    settings.PURCHASE_RETRY_BASE_SECONDS = 2
    settings.PURCHASE_RETRY_MAX_SECONDS = 300

    @given(attempts=st.integers(min_value=1, max_value=40))
    def check(attempts):
        ceiling = min(300, 2 * 2 ** (attempts - 1))
        delay = fulfilment.retry_delay(attempts=attempts).total_seconds()
        assert ceiling / 2 <= delay <= ceiling

    check()


def test_an_open_breaker_fails_fast_without_calling_the_partner(
        settings, rsps, api_client, partners, user_id, address):
    settings.BREAKER_FAIL_MAX = 2
    partners.down["supplier"] = True
    for _ in range(2):
        order = partners.add_order(user_id=user_id)
        _create(api_client, user_id=user_id, order=order, address=address)
    assert partner_breaker("supplier_service").current_state == "open"
    calls_before = partners.calls_to(rsps, partners.supplier_url)

    partners.down["supplier"] = False  # it is back, but the breaker does not know yet
    order = partners.add_order(user_id=user_id)
    response = _create(api_client, user_id=user_id, order=order, address=address)

    assert response.status_code == 202
    assert "circuit open" in response.json()["last_error"]
    assert partners.calls_to(rsps, partners.supplier_url) == calls_before


def test_refusals_do_not_open_the_breaker(settings, api_client, partners, user_id, address):
    settings.BREAKER_FAIL_MAX = 2
    partners.refuse["supplier"] = 409

    for _ in range(4):
        order = partners.add_order(user_id=user_id)
        assert _create(api_client, user_id=user_id, order=order,
                       address=address).json()["state"] == "FAILED"

    assert partner_breaker("supplier_service").current_state == "closed"
    assert partner_breaker("supplier_service").fail_counter == 0


def test_a_crash_after_the_supplier_accepted_converges_to_one_supplier_order(
        api_client, partners, user_id, address):
    order = partners.add_order(user_id=user_id)
    partners.down["supplier"] = True  # keep the purchase PAYMENT_AUTHORIZED at creation
    body = _create(api_client, user_id=user_id, order=order, address=address).json()
    partners.down["supplier"] = False
    purchase = Purchase.objects.get(pk=body["id"])
    real_move = fulfilment.purchase_state_move

    def crash_on_order_requested(**kwargs):
        if kwargs["to"] == states.ORDER_REQUESTED:
            raise RuntimeError("store died before saving ORDER_REQUESTED")
        return real_move(**kwargs)

    # The supplier accepts the order, then the store dies before saving the new state.
    with mock.patch.object(fulfilment, "purchase_state_move", crash_on_order_requested), \
            pytest.raises(RuntimeError):
        fulfilment.purchase_advance(purchase=purchase)
    assert Purchase.objects.get(pk=body["id"]).state == "PAYMENT_AUTHORIZED"
    assert len(partners.supplier_posts) == 1

    _make_due(body["id"])
    call_command("process_purchases", "--once")

    purchase = Purchase.objects.get(pk=body["id"])
    assert purchase.state == "RESERVE_DELIVERED"
    references = [post["reference"] for post in partners.supplier_posts]
    assert references == [f"{body['id']}:order"] * 2
    assert [post["idempotency_key"] for post in partners.supplier_posts] == references
    assert len(partners.supplier_orders) == 1
    assert purchase.info_order == partners.supplier_orders[references[0]]


def test_the_worker_survives_an_unexpected_error_and_postpones_the_purchase(
        api_client, partners, user_id, address):
    order = partners.add_order(user_id=user_id)
    partners.down["supplier"] = True
    body = _create(api_client, user_id=user_id, order=order, address=address).json()
    partners.down["supplier"] = False
    _make_due(body["id"])

    with mock.patch.object(fulfilment, "purchase_state_move", side_effect=RuntimeError("boom")):
        call_command("process_purchases", "--once")

    purchase = Purchase.objects.get(pk=body["id"])
    assert purchase.state == "PAYMENT_AUTHORIZED"
    assert purchase.attempts == 2
    assert "boom" in purchase.last_error
    assert purchase.next_attempt_at > timezone.now()
