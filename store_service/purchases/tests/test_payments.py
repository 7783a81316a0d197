"""The purchase's payment steps against a fake payment_service: authorize, capture, decline,
void or refund on failure, compensation retried until settled, and the purchase's events."""

import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from vouchers.tests.factories import VoucherFactory

from common.events.models import OutboxEvent
from common.testing import auth_header
from purchases import fulfilment, states
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db

SERVICE_DIR = Path(__file__).resolve().parents[2]


def _buy(api_client, partners, user_id, address, *, token="tok_visa", total="50.00", **extra):
    order = partners.add_order(user_id=user_id, total=total)
    response = api_client.post("/api/purchases", {"order_id": order["id"], "address": address,
                                                  "payment": {"card_token": token}, **extra},
                               format="json", **auth_header(user_id=user_id))
    return order, response


def _run_worker(purchase_id):
    Purchase.objects.filter(pk=purchase_id).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1))
    call_command("process_purchases", "--once")
    return Purchase.objects.get(pk=purchase_id)


def _notes(body) -> list[str]:
    return [row["note"] for row in body["history"]]


def test_a_paid_purchase_is_authorized_then_captured_for_exactly_its_total(
        api_client, partners, user_id, address):
    VoucherFactory(code="TEN", percent_off=10)

    _, response = _buy(api_client, partners, user_id, address, total="80.00",
                       voucher_code="TEN")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "RESERVE_DELIVERED" and body["total"] == "72.00"
    assert body["payment"] == {"id": partners.payment_for(body["id"])["id"],
                               "status": "captured", "amount": "72.00", "card_last4": "4242"}
    assert body["settled"] is True
    payment = partners.payment_for(body["id"])
    assert (payment["amount"], payment["captured_amount"]) == ("72.00", "72.00")
    assert partners.ops_for(body["id"]) == ["authorize", "capture"]
    notes = _notes(body)
    assert "authorized: 72.00 BRL on visa ending 4242" in notes[1]
    assert "payment captured (72.00 BRL)" in notes[-1]
    assert Purchase.objects.get(pk=body["id"]).card_token == ""  # kept only until authorized


@pytest.mark.parametrize(("token", "reason"), [("tok_chargeDeclined", "card_declined"),
                                               ("tok_insufficientFunds", "insufficient_funds")])
def test_a_declined_card_is_402_and_the_purchase_fails_at_once(
        api_client, partners, user_id, address, token, reason):
    order, response = _buy(api_client, partners, user_id, address, token=token)

    assert response.status_code == 402
    error = response.json()["error"]
    assert (error["code"], error["reason"]) == ("payment_declined", reason)
    purchase = Purchase.objects.get(pk=error["details"]["purchase_id"])
    assert purchase.state == "FAILED" and reason in purchase.failure_reason
    assert purchase.payment["status"] == "declined"
    assert purchase.compensation_pending is False
    assert partners.orders[order["id"]]["status"] == "cancelled"  # stock given back
    assert partners.supplier_posts == [] and partners.delivery_posts == []
    assert partners.ops_for(purchase.id) == ["declined"]


def test_a_declined_card_gives_the_voucher_use_back(api_client, partners, user_id, address):
    voucher = VoucherFactory(code="ONCE", max_uses=1)

    _, response = _buy(api_client, partners, user_id, address, token="tok_chargeDeclined",
                       voucher_code="ONCE")

    assert response.status_code == 402
    voucher.refresh_from_db()
    assert voucher.uses == 0


def test_a_provider_failure_waits_in_received_and_the_worker_authorizes_later(
        api_client, partners, user_id, address):
    partners.down["payment"] = True

    _, response = _buy(api_client, partners, user_id, address)

    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "RECEIVED" and body["payment"] is None
    assert "payment_service unavailable" in body["last_error"]
    partners.down["payment"] = False
    purchase = _run_worker(body["id"])
    assert purchase.state == "RESERVE_DELIVERED"
    assert partners.ops_for(purchase.id) == ["authorize", "capture"]


def test_a_card_that_keeps_failing_ends_failed_with_nothing_held(
        api_client, partners, user_id, address, settings):
    settings.PURCHASE_MAX_ATTEMPTS = 2

    order, response = _buy(api_client, partners, user_id, address, token="tok_processingError")
    assert response.status_code == 202
    purchase = _run_worker(response.json()["id"])

    assert purchase.state == "FAILED" and "retries exhausted" in purchase.failure_reason
    assert partners.payment_for(purchase.id) is None
    assert partners.orders[order["id"]]["status"] == "cancelled"
    assert purchase.compensation_pending is False


def test_the_carrier_refusing_after_authorization_voids_it_and_cancels_the_supplier_order(
        api_client, partners, user_id, address):
    partners.refuse["carrier"] = 400

    order, response = _buy(api_client, partners, user_id, address)

    body = response.json()
    assert body["state"] == "FAILED"
    assert body["payment"]["status"] == "voided"
    assert partners.ops_for(body["id"]) == ["authorize", "void"]
    assert partners.supplier_cancels == [body["info_order"]["order_number"]]
    assert partners.orders[order["id"]]["status"] == "cancelled"
    assert body["settled"] is True and body["next_attempt_at"] is None


def test_compensation_that_fails_is_retried_by_the_worker_until_settled(
        api_client, partners, user_id, address):
    partners.refuse["carrier"] = 400
    # payment_service goes down just as the carrier refuses: the void cannot happen now
    partners.on_delivery = lambda: partners.down.update(payment=True)

    _, response = _buy(api_client, partners, user_id, address)

    body = response.json()
    assert body["state"] == "FAILED"
    assert body["settled"] is False and body["next_attempt_at"] is not None
    assert body["last_error"].startswith("compensation incomplete")
    assert body["payment"]["status"] == "authorized"  # still held: not settled
    purchase = _run_worker(body["id"])  # payment_service still down
    assert purchase.compensation_pending is True and purchase.attempts == 2
    partners.down["payment"] = False
    purchase = _run_worker(body["id"])
    assert purchase.compensation_pending is False and purchase.last_error == ""
    assert purchase.payment["status"] == "voided"
    assert partners.ops_for(purchase.id) == ["authorize", "void"]
    assert len(partners.supplier_cancels) >= 1


def test_a_captured_payment_is_refunded_when_the_purchase_fails_afterwards(partners):
    order = partners.add_order(user_id="00000000-0000-0000-0000-000000000001")
    purchase = PurchaseFactory(order_id=order["id"])
    fulfilment.purchase_advance(purchase=purchase)
    assert purchase.state == "RESERVE_DELIVERED"
    # a runner that still held it in ORDER_REQUESTED gives up (the state rolled back for this)
    Purchase.objects.filter(pk=purchase.pk).update(state=states.ORDER_REQUESTED)
    purchase.refresh_from_db()

    fulfilment.purchase_fail(purchase=purchase, reason="order_service refused: expired")

    purchase.refresh_from_db()
    assert purchase.payment["status"] == "refunded"
    assert partners.ops_for(purchase.id) == ["authorize", "capture", "refund"]
    assert purchase.compensation_pending is False


def test_every_move_publishes_shop_purchase_state_changed(api_client, partners, user_id,
                                                          address):
    order, response = _buy(api_client, partners, user_id, address)
    purchase_id = response.json()["id"]

    events = [row.envelope["data"] for row in OutboxEvent.objects.filter(
        type="shop.purchase.state_changed", subject=purchase_id).order_by("id")]

    assert [(e["from"], e["to"]) for e in events] == [
        (None, "RECEIVED"), ("RECEIVED", "PAYMENT_AUTHORIZED"),
        ("PAYMENT_AUTHORIZED", "ORDER_REQUESTED"), ("ORDER_REQUESTED", "RESERVE_DELIVERED")]
    last = events[-1]
    assert (last["purchase_id"], last["order_id"], last["user_id"]) == (
        purchase_id, order["id"], str(user_id))
    assert last["total"] == "50.00" and last["payment_status"] == "captured"
    delivery = partners.deliveries[f"{purchase_id}:delivery"]
    assert last["tracking_code"] == delivery["tracking_code"]
    assert last["estimated_delivery_date"] == delivery["estimated_delivery_date"]


def test_a_failed_purchase_event_says_why(api_client, partners, user_id, address):
    _, response = _buy(api_client, partners, user_id, address, token="tok_chargeDeclined")
    purchase_id = response.json()["error"]["details"]["purchase_id"]

    failed = OutboxEvent.objects.filter(type="shop.purchase.state_changed",
                                        subject=purchase_id).order_by("id").last()

    assert failed.envelope["data"]["to"] == "FAILED"
    assert failed.envelope["data"]["failure_reason"] == "payment declined: card_declined"
    assert failed.envelope["data"]["payment_status"] == "declined"


def test_the_largest_order_total_is_bought_and_shown_without_error(api_client, partners,
                                                                     user_id, address):
    # 50 lines of 1,000 at the highest price order_service accepts (99,999,999.99).
    _, response = _buy(api_client, partners, user_id, address, total="4999999999500.00")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subtotal"] == body["total"] == body["payment"]["amount"] == "4999999999500.00"
    assert Purchase.objects.get(pk=body["id"]).total == Decimal("4999999999500.00")


def test_an_unknown_card_token_is_400_and_leaves_the_order_pending(api_client, partners,
                                                                    user_id, address):
    voucher = VoucherFactory(code="KEEP", max_uses=1)

    order, response = _buy(api_client, partners, user_id, address, token="tok_typo",
                           voucher_code="KEEP")

    assert response.status_code == 400
    assert "card_token" in response.json()["error"]["details"]["payment"]
    purchase = Purchase.objects.get(order_id=order["id"])
    assert purchase.state == "FAILED" and purchase.failure_reason.startswith(
        "card token refused")
    assert purchase.compensation_pending is False
    assert partners.orders[order["id"]]["status"] == "pending"  # buy it again with a good card
    assert partners.status_puts == [] and partners.supplier_posts == []
    voucher.refresh_from_db()
    assert voucher.uses == 0
    again = api_client.post("/api/purchases", {"order_id": order["id"], "address": address,
                                               "payment": {"card_token": "tok_visa"}},
                            format="json", **auth_header(user_id=user_id))
    assert again.status_code == 201 and again.json()["state"] == "RESERVE_DELIVERED"


def test_a_purchase_needs_a_card_token(api_client, partners, user_id, address):
    order = partners.add_order(user_id=user_id)

    response = api_client.post("/api/purchases", {"order_id": order["id"], "address": address,
                                                  "payment": {}},
                               format="json", **auth_header(user_id=user_id))

    assert response.status_code == 400
    assert "card_token" in response.json()["error"]["details"]["payment"]
    assert not Purchase.objects.exists()


def test_the_settings_read_the_purchase_knobs_from_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=true\nPURCHASE_MAX_ATTEMPTS=3\nBREAKER_FAIL_MAX=9\n")
    env = {key: value for key, value in os.environ.items()
           if key not in ("PURCHASE_MAX_ATTEMPTS", "BREAKER_FAIL_MAX")}
    env.update(DJANGO_ENV_FILE=str(env_file), DJANGO_SETTINGS_MODULE="config.settings")

    done = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; "
         "print(settings.PURCHASE_MAX_ATTEMPTS, settings.BREAKER_FAIL_MAX)"],
        cwd=SERVICE_DIR, env=env, capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["3", "9"]


def test_the_admin_shows_a_purchase_without_its_card_token(client, django_user_model):
    purchase = PurchaseFactory(card_token="tok_mastercard")
    admin = django_user_model.objects.create_superuser("ops", "ops@example.com", "x-password-1")
    client.force_login(admin)

    page = client.get(f"/admin/purchases/purchase/{purchase.pk}/change/")
    listing = client.get("/admin/purchases/purchase/?compensation_pending__exact=0")

    assert page.status_code == 200 and listing.status_code == 200
    assert b"tok_mastercard" not in page.content
    assert str(purchase.pk).encode() in listing.content
