"""Vouchers applied to purchases: discounts, refusals, and uses counted under concurrency."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient
from vouchers.models import Voucher
from vouchers.tests.factories import VoucherFactory

from common.testing import auth_header
from purchases.models import Purchase
from purchases.tests.conftest import CARD

pytestmark = pytest.mark.django_db


def _buy(api_client, partners, user_id, address, code, *, total="50.00"):
    order = partners.add_order(user_id=user_id, total=total)
    return api_client.post("/api/purchases", {"order_id": order["id"], "address": address,
                                              "voucher_code": code, "payment": CARD},
                           format="json", **auth_header(user_id=user_id))


@pytest.mark.parametrize(("voucher", "total", "discount", "expected_total"), [
    ({"percent_off": 10}, "50.00", "5.00", "45.00"),
    ({"percent_off": 33}, "10.01", "3.30", "6.71"),
    ({"percent_off": 100}, "50.00", "50.00", "0.00"),
    ({"percent_off": None, "amount_off": Decimal("5.00")}, "50.00", "5.00", "45.00"),
    ({"percent_off": None, "amount_off": Decimal("80.00")}, "50.00", "50.00", "0.00"),
])
def test_a_good_voucher_sets_discount_and_total_never_below_zero(
        api_client, partners, user_id, address, voucher, total, discount, expected_total):
    VoucherFactory(code="DEAL", **voucher)

    response = _buy(api_client, partners, user_id, address, "deal", total=total)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["subtotal"], body["discount"], body["total"]) == (
        total, discount, expected_total)
    assert body["voucher_code"] == "DEAL"
    assert Voucher.objects.get(code="DEAL").uses == 1


@pytest.mark.parametrize(("voucher", "message", "reason"), [
    (None, "Unknown voucher.", "voucher_unknown"),
    ({"valid_until": timezone.now() - timedelta(minutes=1)}, "This voucher has expired.",
     "voucher_expired"),
    ({"max_uses": 1, "uses": 1}, "This voucher has been used up.", "voucher_used_up"),
])
def test_an_unknown_expired_or_used_up_voucher_is_400_and_keeps_nothing(
        api_client, partners, user_id, address, voucher, message, reason):
    if voucher is not None:
        VoucherFactory(code="DEAL", **voucher)

    response = _buy(api_client, partners, user_id, address, "DEAL")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"] == {"voucher_code": [message]}
    assert error["reason"] == reason
    assert Purchase.objects.count() == 0
    assert partners.supplier_posts == []


def test_a_voucher_valid_in_the_future_is_accepted(api_client, partners, user_id, address):
    VoucherFactory(code="LATER", valid_until=timezone.now() + timedelta(days=1))

    assert _buy(api_client, partners, user_id, address, "LATER").status_code == 201


def test_a_failed_purchase_gives_its_voucher_use_back(api_client, partners, user_id, address):
    VoucherFactory(code="ONCE", max_uses=1)
    partners.refuse["supplier"] = 409

    body = _buy(api_client, partners, user_id, address, "ONCE").json()

    assert body["state"] == "FAILED"
    assert Voucher.objects.get(code="ONCE").uses == 0


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL: concurrent transactions and row locks")
@pytest.mark.django_db(transaction=True)
def test_max_uses_holds_under_concurrent_purchases(partners, address):
    VoucherFactory(code="RUSH", max_uses=3)
    buyers = 8
    orders = [partners.add_order(user_id=f"00000000-0000-0000-0000-{i:012d}")
              for i in range(1, buyers + 1)]
    barrier = threading.Barrier(buyers)
    statuses = []

    def buy(order):
        try:
            client = APIClient()
            barrier.wait()
            response = client.post("/api/purchases", {"order_id": order["id"],
                                                      "address": address,
                                                      "voucher_code": "RUSH",
                                                      "payment": CARD},
                                   format="json", **auth_header(user_id=order["user_id"]))
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201] * 3 + [400] * 5
    assert Voucher.objects.get(code="RUSH").uses == 3
    assert Purchase.objects.filter(voucher_code="RUSH").count() == 3
