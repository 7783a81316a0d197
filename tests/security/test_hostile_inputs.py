"""Hostile inputs against every running service, straight to its port and through the gateway:
deep nesting, huge and odd strings, extreme numbers at every money field, NUL in paths,
oversized bodies and headers. Each one is a 4xx in the contract's envelope; none is a 5xx, and
through the gateway none is HTML."""

from __future__ import annotations

import json
import uuid

import pytest
import requests

from common.services import SERVICE_PORTS
from common.testing import make_token

pytestmark = pytest.mark.e2e

DEEP = '{"items": ' + "[" * 5000 + "1" + "]" * 5000 + "}"
HUGE = "x" * 100_000
ODD = "\u0000\ud800 \U0001f600 \u202e\ufeff"
# Every money field a client or a caller can send, at and past its limits.
EXTREME_MONEY = ["1e400", "-0.00", "NaN", "Infinity", "99999999999999999999.99", "0.001",
                 "100000000000000000.00", 10**30, -1, "", None, [], {}]


def _admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(role='ADMIN')}"}


def _store_to(service: str) -> dict[str, str]:
    token = make_token(role="SERVICE", service="store_service", audience=service)
    return {"Authorization": f"Bearer {token}"}


def _assert_envelope(response: requests.Response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    assert response.status_code >= 400, f"{what}: accepted ({response.status_code})"
    assert response.headers["Content-Type"].startswith("application/json"), (
        f"{what}: {response.headers['Content-Type']} {response.text[:200]}")
    assert response.json()["error"]["status"] == response.status_code


# One write route per service, with the caller it needs.
WRITES = {
    "user_service": ("/api/users", lambda service: {}),
    "product_service": ("/api/products", lambda service: _admin()),
    "order_service": ("/api/orders", lambda service: _admin()),
    "store_service": ("/api/vouchers", lambda service: _admin()),
    "supplier_service": ("/api/order", _store_to),
    "carrier_service": ("/api/delivery", _store_to),
    "payment_service": ("/api/payments", _store_to),
    "notification_service": (f"/api/notifications/{uuid.uuid4()}/read", lambda service: _admin()),
}


@pytest.mark.parametrize("service", list(SERVICE_PORTS))
def test_deep_odd_and_oversized_bodies_are_4xx_envelopes_at_every_service(platform, service):
    path, headers = WRITES[service]
    url = f"{platform.url(service)}{path}"
    json_headers = {**headers(service), "Content-Type": "application/json"}

    cases = {
        "deep nesting": DEEP,
        "huge strings": json.dumps({"email": HUGE, "name": HUGE, "items": HUGE, "code": HUGE,
                                    "reference": HUGE, "card_token": HUGE}),
        "odd strings": json.dumps({"email": ODD, "name": ODD, "reference": ODD, "code": ODD,
                                   "items": [{"product_id": ODD, "quantity": 1}]}),
        "a body over the limit": json.dumps({"name": "x" * (2 * 1024 * 1024)}),
        "not JSON": b"\xff\xfe{{{",
    }
    for what, body in cases.items():
        response = requests.post(url, data=body, headers=json_headers, timeout=30)
        _assert_envelope(response, f"{service} {what}")


# One read-by-id route per service, with the caller it needs.
DETAILS = {
    "user_service": ("/api/users/", lambda service: _admin()),
    "product_service": ("/api/products/", lambda service: _admin()),
    "order_service": ("/api/orders/", lambda service: _admin()),
    "store_service": ("/api/purchases/", lambda service: _admin()),
    "supplier_service": ("/api/order/", _store_to),
    "carrier_service": ("/api/delivery/", _store_to),
    "payment_service": ("/api/payments/", lambda service: _admin()),
    "notification_service": ("/api/notifications/", lambda service: _admin()),
}


@pytest.mark.parametrize("service", list(SERVICE_PORTS))
def test_nul_and_garbage_in_path_ids_are_4xx_envelopes(platform, service):
    path, headers = DETAILS[service]
    for tail in ("%00", "abc%00def", "%C0%80", "..%2F..%2Fetc%2Fpasswd", "9" * 5000):
        response = requests.get(f"{platform.url(service)}{path}{tail}",
                                headers=headers(service), timeout=10)
        _assert_envelope(response, f"{service} GET {path}{tail[:20]}")


@pytest.mark.parametrize("value", EXTREME_MONEY, ids=repr)
def test_extreme_numbers_at_every_money_field_are_refused_cleanly(platform, value):
    product = {"name": "Edge", "description": "", "price": value, "stock": 1}
    voucher = {"code": f"EDGE{uuid.uuid4().hex[:6]}", "amount_off": value}
    payment = {"reference": str(uuid.uuid4()), "amount": value, "currency": "BRL",
               "card_token": "tok_visa"}
    calls = [
        ("product_service", "/api/products", _admin(), product),
        ("store_service", "/api/vouchers", _admin(), voucher),
        ("payment_service", "/api/payments", _store_to("payment_service"), payment),
        ("payment_service", f"/api/payments/{uuid.uuid4()}/refund", _admin(), {"amount": value}),
        ("order_service", "/api/orders", _admin(),
         {"items": [{"product_id": str(uuid.uuid4()), "quantity": value}]}),
    ]
    for service, path, headers, body in calls:
        response = requests.post(f"{platform.url(service)}{path}", json=body, headers=headers,
                                 timeout=10)
        _assert_envelope(response, f"{service} {path} {value!r}")


def test_the_largest_legal_price_is_kept_and_read_back_exactly(platform):
    response = requests.post(f"{platform.url('product_service')}/api/products", headers=_admin(),
                             json={"name": "Max", "price": "99999999.99", "stock": 1},
                             timeout=10)
    assert response.status_code == 201, response.text
    read = requests.get(f"{platform.url('product_service')}/api/products/{response.json()['id']}",
                        timeout=10)
    assert read.json()["price"] == "99999999.99"


@pytest.mark.parametrize("headers", [
    {"X-Big": "y" * 20_000},
    {f"X-H{n}": "z" for n in range(200)},
    {"Authorization": "Bearer " + "a" * 10_000},
], ids=["one huge header", "many headers", "huge token"])
def test_oversized_headers_through_the_gateway_are_json_not_html(platform, headers):
    response = requests.get(f"{platform.gateway}/api/products", headers=headers, timeout=10)

    # within the limits the catalog answers; past them the gateway refuses, in JSON
    assert response.status_code < 500, response.text[:300]
    assert response.headers["Content-Type"].startswith("application/json"), response.text[:200]
    if response.status_code >= 400:
        _assert_envelope(response, "oversized headers")
