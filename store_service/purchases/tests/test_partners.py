"""purchases.partners at the HTTP boundary: how each answer is sorted (result, final refusal,
try later), read from status, code, reason and details only."""

import pytest
from django.conf import settings

from common.errors import UpstreamUnavailable
from common.http import UpstreamRefused
from purchases import partners


def _envelope(status, code, *, reason=None, details=None):
    error = {"status": status, "code": code, "message": "Prose for people only.",
             "details": details}
    if reason:
        error["reason"] = reason
    return {"error": error}


def _url(service, path):
    return f"{settings.SERVICE_URLS[service]}{path}"


@pytest.mark.parametrize("status", sorted(partners.REFUSALS))
def test_final_refusals_are_typed_and_keep_code_reason_and_details(rsps, status):
    rsps.post(_url(partners.CARRIER, "/api/delivery"), status=status, json=_envelope(
        status, "validation_error", reason="some_rule", details={"items": ["bad"]}))

    with pytest.raises(UpstreamRefused) as raised:
        partners.carrier_delivery_create(reference="r", origin={}, destination={}, items=[])

    refused = raised.value
    assert (refused.service, refused.status, refused.code, refused.reason, refused.details) == (
        partners.CARRIER, status, "validation_error", "some_rule", {"items": ["bad"]})
    assert "Prose for people only" not in str(refused)


@pytest.mark.parametrize("answer", [
    pytest.param({"status": 429, "json": _envelope(429, "throttled")}, id="429-envelope"),
    pytest.param({"status": 401, "json": _envelope(401, "not_authenticated")}, id="401"),
    pytest.param({"status": 409, "body": "busy"}, id="4xx-not-an-envelope"),
    pytest.param({"status": 200, "body": "not json"}, id="200-not-json"),
])
def test_answers_that_may_change_are_worth_another_try(rsps, answer):
    rsps.post(_url(partners.SUPPLIER, "/api/order"), **answer)

    with pytest.raises(UpstreamUnavailable) as raised:
        partners.supplier_order_create(reference="r", items=[])

    assert raised.value.service == partners.SUPPLIER


def test_an_unknown_order_is_none(rsps):
    rsps.get(_url(partners.ORDER, "/api/orders/o-1"), status=404,
             json=_envelope(404, "not_found"))
    assert partners.order_get(order_id="o-1") is None


def test_a_region_no_provider_serves_is_a_refusal_naming_the_state(rsps):
    rsps.get(_url(partners.SUPPLIER, "/api/info/AC"), status=404,
             json=_envelope(404, "not_found"))

    with pytest.raises(UpstreamRefused) as raised:
        partners.supplier_info_get(state="AC")

    assert raised.value.details == {"state": "AC"}
    assert str(raised.value) == "supplier_service refused: HTTP 404 not_found {'state': 'AC'}"


def test_an_already_cancelled_supplier_order_is_left_as_it_is(rsps):
    rsps.post(_url(partners.SUPPLIER, "/api/order/SUP-1/cancel"), status=409,
              json=_envelope(409, "conflict"))
    assert partners.supplier_order_cancel(order_number="SUP-1") is None


def test_a_decline_carries_the_reason_and_the_payment_id(rsps):
    rsps.post(_url(partners.PAYMENT, "/api/payments"), status=402, json=_envelope(
        402, "payment_declined", reason="insufficient_funds", details={"payment_id": "p-1"}))

    with pytest.raises(partners.PaymentDeclined) as raised:
        partners.payment_authorize(reference="r", amount="1.00", card_token="tok", user_id=1)

    assert (raised.value.reason, raised.value.payment_id) == ("insufficient_funds", "p-1")


def test_an_unknown_card_token_is_a_card_refusal(rsps):
    rsps.post(_url(partners.PAYMENT, "/api/payments"), status=400, json=_envelope(
        400, "validation_error", details={"card_token": ["Unknown card token."]}))

    with pytest.raises(partners.CardRefused) as raised:
        partners.payment_authorize(reference="r", amount="1.00", card_token="tok", user_id=1)

    assert raised.value.status == 400


def test_other_payment_refusals_are_plain_refusals(rsps):
    rsps.post(_url(partners.PAYMENT, "/api/payments"), status=400, json=_envelope(
        400, "validation_error", details={"amount": ["Too small."]}))

    with pytest.raises(UpstreamRefused) as raised:
        partners.payment_authorize(reference="r", amount="0.00", card_token="tok", user_id=1)

    assert not isinstance(raised.value, partners.CardRefused | partners.PaymentDeclined)


def test_refusals_do_not_open_the_breaker(settings, rsps):
    settings.BREAKER_FAIL_MAX = 1
    rsps.post(_url(partners.CARRIER, "/api/delivery"), status=400,
              json=_envelope(400, "validation_error"))
    for _ in range(3):
        with pytest.raises(UpstreamRefused):
            partners.carrier_delivery_create(reference="r", origin={}, destination={}, items=[])
    assert len(rsps.calls) == 3


def test_outages_open_the_breaker_and_then_no_call_goes_out(settings, rsps):
    settings.BREAKER_FAIL_MAX = 1
    settings.HTTP_CLIENT_RETRIES = 0
    rsps.post(_url(partners.CARRIER, "/api/delivery"), status=500,
              json=_envelope(500, "server_error"))
    for _ in range(3):
        with pytest.raises(UpstreamUnavailable):
            partners.carrier_delivery_create(reference="r", origin={}, destination={}, items=[])
    assert len(rsps.calls) == 1
