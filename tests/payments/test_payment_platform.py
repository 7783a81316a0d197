"""Money matches the purchase however it ends: real services on PostgreSQL, a real worker,
a flaky provider, a refusing carrier, a `kill -9`, and payment_service stopped for 20 s."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from common.services import SERVICE_PORTS
from tests.payments.conftest import RefusingCarrier, Shop, money

pytestmark = pytest.mark.e2e


def _settled_money(shop: Shop, rows: dict[str, dict]) -> tuple:
    """Check every purchase's payment; return (delivered totals, net captured) summed."""
    delivered_total = captured_total = money(0)
    for purchase_id, row in rows.items():
        payment = shop.payment_of(purchase_id)
        assert payment is None or payment["authorizations"] <= 1, payment
        if row["state"] == "RESERVE_DELIVERED":
            assert payment is not None, purchase_id
            assert payment["status"] == "captured" and payment["captures"] == 1, payment
            assert money(payment["captured"]) == money(row["total"]), (payment, row)
            assert money(payment["refunded"]) == 0, payment
            delivered_total += money(row["total"])
        else:
            assert row["state"] == "FAILED", row
            if payment is not None:
                assert payment["captures"] <= 1, payment
                assert payment["status"] in ("voided", "refunded", "declined"), payment
                assert money(payment["captured"]) == money(payment["refunded"]), payment
        if payment is not None:
            captured_total += money(payment["captured"]) - money(payment["refunded"])
        for service, table, suffix in (("supplier_service", "supplier_supplierorder", "order"),
                                       ("carrier_service", "deliveries_delivery", "delivery")):
            assert shop.count(service, table, f"{purchase_id}:{suffix}") <= 1
    return delivered_total, captured_total


def test_a_visa_purchase_is_delivered_and_captured_for_exactly_its_total(shop):
    code = f"TEN{uuid.uuid4().hex[:6]}"
    voucher = shop.call("store_service", "POST", "/api/vouchers", shop.admin_token,
                        json={"code": code, "percent_off": 10})
    assert voucher.status_code == 201, voucher.text
    token = shop.customer()
    order = shop.order(token, shop.product(price="33.33"), quantity=3)

    response = shop.buy(token, order, voucher_code=code)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["state"] == "RESERVE_DELIVERED"
    assert (body["subtotal"], body["discount"], body["total"]) == ("99.99", "10.00", "89.99")
    payment = shop.payment_of(body["id"])
    assert payment["status"] == "captured"
    assert (payment["authorizations"], payment["captures"]) == (1, 1)
    assert money(payment["captured"]) == money(body["total"])
    assert body["payment"] == {"id": str(payment["id"]), "status": "captured",
                               "amount": "89.99", "card_last4": "4242"}
    assert body["settled"] is True
    assert shop.order_status(token, order["id"]) == "processing"
    assert [row["to"] for row in body["history"]] == [
        "RECEIVED", "PAYMENT_AUTHORIZED", "ORDER_REQUESTED", "RESERVE_DELIVERED"]


def test_a_declined_card_fails_at_once_and_gives_everything_back(shop):
    token = shop.customer()
    product = shop.product(stock=100)
    order = shop.order(token, product, quantity=2)
    assert shop.stock(product["id"]) == 98

    response = shop.buy(token, order, card="tok_chargeDeclined")

    assert response.status_code == 402, response.text
    error = response.json()["error"]
    assert (error["code"], error["reason"]) == ("payment_declined", "card_declined")
    purchase_id = error["details"]["purchase_id"]
    row = shop.purchase_row(purchase_id)
    assert row["state"] == "FAILED" and row["compensation_pending"] is False
    assert shop.order_status(token, order["id"]) == "cancelled"
    assert shop.stock(product["id"]) == 100
    assert shop.count("supplier_service", "supplier_supplierorder", f"{purchase_id}:order") == 0
    assert shop.count("carrier_service", "deliveries_delivery", f"{purchase_id}:delivery") == 0
    payment = shop.payment_of(purchase_id)
    assert payment["status"] == "declined" and money(payment["captured"]) == 0


def test_a_carrier_refusing_for_good_after_authorization_voids_the_payment(shop):
    token = shop.customer()
    product = shop.product(stock=50)
    order = shop.order(token, product, quantity=1)
    shop.stop("carrier_service")
    try:
        with RefusingCarrier(SERVICE_PORTS["carrier_service"] + shop.offset):
            response = shop.buy(token, order)
    finally:
        shop.start("carrier_service")

    body = response.json()
    assert body["state"] == "FAILED", body
    assert "carrier_service refused" in body["failure_reason"]
    payment = shop.payment_of(body["id"])
    assert payment["status"] == "voided"
    assert (payment["captures"], payment["voids"]) == (0, 1)
    assert shop.query("supplier_service",
                      "SELECT status FROM supplier_supplierorder WHERE reference = %s",
                      f"{body['id']}:order") == [("CANCELLED",)]
    assert shop.order_status(token, order["id"]) == "cancelled"
    assert shop.stock(product["id"]) == 50
    assert body["settled"] is True


def test_a_flaky_provider_charges_delivered_purchases_once_and_failed_ones_never(shop):
    shop.stop("payment_service")
    shop.start("payment_service", PAYMENT_PROVIDER_FAILURE_RATE="0.5")
    try:
        token = shop.customer()
        product = shop.product(price="10.01", stock=1000)
        orders = [shop.order(token, product, quantity=1 + index % 3) for index in range(50)]
        with ThreadPoolExecutor(max_workers=4) as pool:
            responses = list(pool.map(lambda order: shop.buy(token, order), orders))
        assert all(r.status_code in (201, 202) for r in responses), [
            r.text for r in responses if r.status_code not in (201, 202)]
        ids = [r.json()["id"] for r in responses]
        rows = dict(zip(ids, shop.wait_settled(ids, timeout=150), strict=True))
    finally:
        shop.stop("payment_service")
        shop.start("payment_service")

    delivered_total, captured_total = _settled_money(shop, rows)
    assert captured_total == delivered_total  # to the cent
    assert delivered_total > 0  # the flaky provider still lets purchases through


def test_a_killed_worker_and_a_stopped_payment_service_charge_nothing_twice(shop):
    token = shop.customer()
    product = shop.product(price="12.34", stock=1000)
    orders = [shop.order(token, product, quantity=1) for _ in range(8)]
    shop.stop("carrier_service")  # purchases wait between authorization and capture
    responses = [shop.buy(token, order) for order in orders]
    ids = [r.json()["id"] for r in responses]
    assert {r.json()["state"] for r in responses} == {"ORDER_REQUESTED"}
    assert all(shop.payment_of(pid)["status"] == "authorized" for pid in ids)
    time.sleep(1.5)  # the worker is retrying them now

    shop.kill_worker()
    shop.stop("payment_service")
    stopped_at = time.monotonic()
    shop.start("carrier_service")
    shop.start_worker()
    time.sleep(max(0.0, 20 - (time.monotonic() - stopped_at)))
    shop.start("payment_service")
    rows = dict(zip(ids, shop.wait_settled(ids, timeout=120), strict=True))

    delivered_total, captured_total = _settled_money(shop, rows)
    assert captured_total == delivered_total
    for purchase_id, row in rows.items():
        payment = shop.payment_of(purchase_id)
        assert payment["authorizations"] == 1
        if row["state"] == "RESERVE_DELIVERED":
            assert shop.count("carrier_service", "deliveries_delivery",
                              f"{purchase_id}:delivery") == 1
