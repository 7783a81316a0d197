"""What a purchase no longer waits for: the local provider info and the early answer."""

import pytest
from django.utils import timezone

from common.testing import auth_header
from purchases.fulfilment import purchase_advance
from purchases.models import Purchase
from purchases.services import purchases_process_due
from purchases.tests.conftest import CARD

pytestmark = pytest.mark.django_db

ASYNC = {"HTTP_PREFER": "respond-async"}


def _create(api_client, *, user_id, order, address, card=CARD, headers=None):
    return api_client.post("/api/purchases", {"order_id": order["id"], "address": address,
                                              "payment": card},
                           format="json", **auth_header(user_id=user_id), **(headers or {}))


def _info_calls(partners, rsps) -> int:
    return sum(1 for call in rsps.calls
               if call.request.url.startswith(f"{partners.supplier_url}/api/info/"))


def test_the_provider_info_of_a_region_is_asked_once_while_the_copy_is_fresh(
        api_client, partners, rsps, user_id, address):
    for _ in range(3):
        order = partners.add_order(user_id=user_id)
        response = _create(api_client, user_id=user_id, order=order, address=address)
        assert response.status_code == 201, response.content
        assert response.json()["info_provider"]["state"] == "SP"

    assert _info_calls(partners, rsps) == 1
    assert len(partners.delivery_posts) == 3
    assert all(post["origin"]["address"]["state"] == "SP" for post in partners.delivery_posts)


def test_each_region_has_its_own_copy_and_a_zero_lifetime_keeps_none(
        settings, api_client, partners, rsps, user_id, address):
    for state in ("SP", "RJ", "SP"):
        order = partners.add_order(user_id=user_id)
        body = _create(api_client, user_id=user_id, order=order,
                       address={**address, "state": state}).json()
        assert body["info_provider"]["state"] == state
    assert _info_calls(partners, rsps) == 2

    settings.PROVIDER_INFO_SECONDS = 0
    for _ in range(2):
        order = partners.add_order(user_id=user_id)
        _create(api_client, user_id=user_id, order=order, address={**address, "state": "MG"})
    assert _info_calls(partners, rsps) == 4


def test_a_region_no_provider_serves_is_asked_again_every_time(
        api_client, partners, rsps, user_id, address):
    for _ in range(2):
        order = partners.add_order(user_id=user_id)
        body = _create(api_client, user_id=user_id, order=order,
                       address={**address, "state": "AC"}).json()
        assert body["state"] == "FAILED"
    assert _info_calls(partners, rsps) == 2


def test_respond_async_answers_202_once_the_payment_is_authorized(
        api_client, partners, user_id, address):
    order = partners.add_order(user_id=user_id)

    response = _create(api_client, user_id=user_id, order=order, address=address, headers=ASYNC)

    assert response.status_code == 202, response.content
    assert response["Preference-Applied"] == "respond-async"
    body = response.json()
    assert response["Location"] == f"/api/purchases/{body['id']}"
    assert body["state"] == "PAYMENT_AUTHORIZED"
    assert body["payment"]["status"] == "authorized"
    assert [(h["from"], h["to"]) for h in body["history"]] == [
        (None, "RECEIVED"), ("RECEIVED", "PAYMENT_AUTHORIZED")]
    assert partners.supplier_posts == [] and partners.status_puts == []
    purchase = Purchase.objects.get(pk=body["id"])
    assert purchase.next_attempt_at <= timezone.now()  # due for the worker at once


def test_the_worker_takes_an_early_answered_purchase_to_the_end(
        api_client, partners, user_id, address):
    order = partners.add_order(user_id=user_id)
    body = _create(api_client, user_id=user_id, order=order, address=address,
                   headers=ASYNC).json()

    assert purchases_process_due(limit=10) == 1

    detail = api_client.get(f"/api/purchases/{body['id']}", **auth_header(user_id=user_id))
    purchase = detail.json()
    assert purchase["state"] == "RESERVE_DELIVERED"
    assert purchase["payment"]["status"] == "captured"
    assert purchase["next_attempt_at"] is None
    assert partners.supplier_post_count(body["id"]) == 1
    assert partners.status_puts == [(order["id"], "processing")]
    assert partners.ops_for(body["id"]) == ["authorize", "capture"]


def test_respond_async_still_answers_a_declined_card_with_402(
        api_client, partners, user_id, address):
    order = partners.add_order(user_id=user_id)

    response = _create(api_client, user_id=user_id, order=order, address=address,
                       card={"card_token": "tok_chargeDeclined"}, headers=ASYNC)

    assert response.status_code == 402, response.content
    error = response.json()["error"]
    assert error["code"] == "payment_declined" and error["reason"] == "card_declined"
    purchase = Purchase.objects.get(pk=error["details"]["purchase_id"])
    assert purchase.state == "FAILED"
    assert partners.orders[order["id"]]["status"] == "cancelled"


def test_respond_async_with_the_payment_service_down_waits_for_its_retry(
        api_client, partners, user_id, address):
    partners.down["payment"] = True
    order = partners.add_order(user_id=user_id)

    response = _create(api_client, user_id=user_id, order=order, address=address, headers=ASYNC)

    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "RECEIVED" and body["attempts"] == 1
    purchase = Purchase.objects.get(pk=body["id"])
    assert purchase.next_attempt_at > timezone.now()  # the backoff, not "due now"


def test_other_preferences_leave_the_answer_synchronous(api_client, partners, user_id, address):
    order = partners.add_order(user_id=user_id)

    response = _create(api_client, user_id=user_id, order=order, address=address,
                       headers={"HTTP_PREFER": "return=minimal, wait=10"})

    assert response.status_code == 201
    assert "Preference-Applied" not in response
    assert response.json()["state"] == "RESERVE_DELIVERED"


@pytest.mark.parametrize(("steps", "reached", "deliveries"),
                         [(1, "ORDER_REQUESTED", 0), (2, "RESERVE_DELIVERED", 1)])
def test_advance_takes_as_many_steps_as_asked_from_where_the_purchase_is(
        api_client, partners, user_id, address, steps, reached, deliveries):
    order = partners.add_order(user_id=user_id)
    body = _create(api_client, user_id=user_id, order=order, address=address,
                   headers=ASYNC).json()
    purchase = Purchase.objects.get(pk=body["id"])
    assert purchase.state == "PAYMENT_AUTHORIZED"

    purchase_advance(purchase=purchase, steps=steps)

    assert Purchase.objects.get(pk=purchase.pk).state == reached
    assert len(partners.delivery_posts) == deliveries
