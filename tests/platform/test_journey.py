"""The user journey through the gateway on PostgreSQL, then the failures a person would meet:
the carrier down mid-run, and one service's database down."""

from __future__ import annotations

import time
import uuid
from decimal import Decimal

import pytest
import requests

from launcher.readiness import wait_until
from tests.platform.world import Platform

pytestmark = pytest.mark.e2e

ADDRESS = {"street": "Avenida Paulista", "number": "1000", "district": "Bela Vista",
           "city": "São Paulo", "state": "SP", "zip_code": "01310-100"}


class Customer:
    """A person using the public API through the gateway."""

    def __init__(self, platform: Platform):
        self.gateway = platform.gateway
        self.email = f"journey-{uuid.uuid4().hex[:10]}@example.com"
        self.session = requests.Session()

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.session.request(method, f"{self.gateway}{path}", timeout=30, **kwargs)

    def register_and_log_in(self) -> dict:
        created = self.call("POST", "/api/users", json={
            "email": self.email, "password": "journey-password", "name": "Journey Customer"})
        assert created.status_code == 201, created.text
        login = self.call("POST", "/api/auth/login",
                          json={"email": self.email.upper(), "password": "journey-password"})
        assert login.status_code == 200, login.text
        self.session.headers["Authorization"] = f"Bearer {login.json()['access']}"
        return created.json()

    def order(self, lines: list[tuple[dict, int]]) -> dict:
        response = self.call("POST", "/api/orders", headers={"Idempotency-Key": uuid.uuid4().hex},
                             json={"items": [{"product_id": product["id"], "quantity": quantity}
                                             for product, quantity in lines]})
        assert response.status_code == 201, response.text
        return response.json()

    def buy(self, order: dict) -> requests.Response:
        return self.call("POST", "/api/purchases",
                         json={"order_id": order["id"], "address": ADDRESS,
                               "payment": {"card_token": "tok_visa"}})


def _products(customer: Customer, count: int) -> list[dict]:
    listed = customer.call("GET", "/api/products?limit=20")
    assert listed.status_code == 200
    in_stock = [p for p in listed.json()["results"] if p["stock"] >= 10]
    assert len(in_stock) >= count, "the demo catalog has too little stock"
    return in_stock[:count]


def _count(platform: Platform, service: str, table: str, reference: str) -> int:
    return platform.query(service, f"SELECT count(*) FROM {table} WHERE reference = %s",
                          reference)[0][0]


def test_register_log_in_browse_order_and_buy(platform):
    customer = Customer(platform)
    me = customer.register_and_log_in()
    assert customer.call("GET", "/api/users/me").json()["id"] == me["id"]

    first, second = _products(customer, 2)
    detail = customer.call("GET", f"/api/products/{first['id']}").json()
    assert detail["name"] == first["name"]

    order = customer.order([(first, 2), (second, 1)])
    assert order["status"] == "pending"
    expected = Decimal(first["price"]) * 2 + Decimal(second["price"])
    assert Decimal(order["total_amount"]) == expected
    stock_after_order = customer.call("GET", f"/api/products/{first['id']}").json()["stock"]
    assert stock_after_order == first["stock"] - 2

    bought = customer.buy(order)
    assert bought.status_code == 201, bought.text
    purchase = bought.json()
    assert purchase["state"] == "RESERVE_DELIVERED"
    assert purchase["info_order"]["order_number"]
    assert purchase["info_delivery"]["tracking_code"]
    assert purchase["info_provider"]["state"] == "SP"
    assert [step["to"] for step in purchase["history"]] == [
        "RECEIVED", "PAYMENT_AUTHORIZED", "ORDER_REQUESTED", "RESERVE_DELIVERED"]
    assert purchase["payment"]["status"] == "captured"
    assert Decimal(purchase["payment"]["amount"]) == Decimal(purchase["total"])

    assert customer.call("GET", f"/api/orders/{order['id']}").json()["status"] == "processing"
    mine = customer.call("GET", "/api/purchases").json()
    assert [p["id"] for p in mine["results"]] == [purchase["id"]]


def test_a_purchase_waits_for_a_stopped_carrier_and_completes_once_it_is_back(platform):
    customer = Customer(platform)
    customer.register_and_log_in()
    (product,) = _products(customer, 1)
    order = customer.order([(product, 1)])

    platform.stop_carrier()
    try:
        bought = customer.buy(order)
        assert bought.status_code == 202, bought.text
        waiting = bought.json()
        assert waiting["state"] == "ORDER_REQUESTED"
        assert waiting["last_error"] and waiting["next_attempt_at"]
        time.sleep(1.5)  # the worker retries against the stopped carrier meanwhile
    finally:
        platform.start_carrier()

    def delivered():
        body = customer.call("GET", f"/api/purchases/{waiting['id']}").json()
        return body if body["state"] == "RESERVE_DELIVERED" else None

    done = wait_until(delivered, timeout=90, what="the worker to complete the purchase",
                      interval=0.5)
    assert done["attempts"] >= 1
    assert _count(platform, "supplier_service", "supplier_supplierorder",
                  f"{waiting['id']}:order") == 1
    assert _count(platform, "carrier_service", "deliveries_delivery",
                  f"{waiting['id']}:delivery") == 1
    assert customer.call("GET", f"/api/orders/{order['id']}").json()["status"] == "processing"


def test_one_service_losing_its_database_is_unready_at_once_and_recovers(platform):
    carrier = platform.url("carrier_service")
    others = [platform.url(name) for name in ("user_service", "product_service",
                                                "order_service", "store_service")]
    assert requests.get(f"{carrier}/readyz", timeout=5).status_code == 200

    platform.carrier_proxy.stop()
    try:
        started = time.monotonic()
        response = requests.get(f"{carrier}/readyz", timeout=5)
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert response.json()["status"] == "unhealthy"
        assert elapsed < 1.0, f"/readyz took {elapsed:.2f} s to say 503"
        assert requests.get(f"{carrier}/healthz", timeout=5).status_code == 200
        for base in others:
            assert requests.get(f"{base}/readyz", timeout=5).status_code == 200
    finally:
        platform.carrier_proxy.start()

    wait_until(lambda: requests.get(f"{carrier}/readyz", timeout=5).status_code == 200,
               timeout=15, what="carrier_service to recover without a restart")
