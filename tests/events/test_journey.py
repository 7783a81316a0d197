"""The journey through the gateway, told back by notification_service: a user registers, orders
and buys; within 5 s the welcome, the order confirmation and the shipping notice (with its
tracking code) are listed, and an email was written for each. Runs the whole platform
(tests/platform's fixture) with the broker and event workers `manage_all.py up` starts."""

from __future__ import annotations

import asyncio
import json
import os
import time
from email import message_from_bytes
from pathlib import Path

import nats
import pytest

from launcher.broker import broker_ports, broker_url
from launcher.readiness import wait_until
from tests.platform.test_journey import ADDRESS, Customer, _products

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
WANTED = {"welcome", "order_confirmation", "purchase_shipped"}


def buy(customer: Customer, order: dict, card_token: str):
    return customer.call("POST", "/api/purchases", json={
        "order_id": order["id"], "address": ADDRESS, "payment": {"card_token": card_token}})


def told(customer: Customer, wanted: set[str]):
    """The customer's notifications by kind, once every wanted kind is there."""
    listed = customer.call("GET", "/api/notifications?limit=100")
    assert listed.status_code == 200, listed.text
    kinds = {n["kind"]: n for n in listed.json()["results"]}
    return kinds if set(kinds) >= wanted else None


def _mail_dir() -> Path:
    return Path(os.environ.get("EMAIL_FILE_PATH") or ROOT / ".run" / "mail")


def _emails_to(address: str) -> list:
    found = []
    for path in _mail_dir().glob("*.log"):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            message = message_from_bytes(chunk.strip())
            if message["To"] == address:
                found.append(message)
    return found


async def _order_events(url: str, order_id: str) -> list[str]:
    """The types of the stream's events about one order, in stream order."""
    client = await nats.connect(url)
    try:
        subscription = await client.jetstream().pull_subscribe("shop.order.>", durable=None,
                                                               stream="SHOP")
        types = []
        while True:
            try:
                messages = await subscription.fetch(100, timeout=1)
            except TimeoutError:  # nothing left: nats-py raises its subclass or asyncio's own
                return types
            for message in messages:
                event = json.loads(message.data)
                if event["subject"] == order_id:
                    types.append(event["type"])
                await message.ack()
    finally:
        await client.close()


def test_the_journey_is_told_back_in_notifications_and_emails_within_5_s(platform):
    customer = Customer(platform)
    me = customer.register_and_log_in()
    (product,) = _products(customer, 1)
    order = customer.order([(product, 1)])
    bought = buy(customer, order, "tok_visa")
    assert bought.status_code in (201, 202), bought.text
    purchase = wait_until(
        lambda: (body := customer.call("GET", f"/api/purchases/{bought.json()['id']}").json())
        and body["state"] == "RESERVE_DELIVERED" and body, timeout=60, what="the delivery")
    delivered_at = time.monotonic()

    kinds = wait_until(lambda: told(customer, WANTED), timeout=5,
                       what="the three notifications", interval=0.2)
    assert time.monotonic() - delivered_at <= 5

    tracking_code = purchase["info_delivery"]["tracking_code"]
    assert tracking_code in kinds["purchase_shipped"]["body"]
    assert order["id"] in kinds["order_confirmation"]["body"]
    assert all(n["user_id"] == me["id"] for n in kinds.values())
    assert all(n["channels"] == {"email": "sent"} for n in kinds.values())
    subjects = wait_until(lambda: {m["Subject"] for m in _emails_to(customer.email)} or None,
                          timeout=5, what="the emails")
    assert {kinds[kind]["title"] for kind in WANTED} <= subjects

    port, _ = broker_ports(platform.offset)
    types = asyncio.run(_order_events(broker_url(port), order["id"]))
    assert types[0] == "shop.order.created"
    assert "shop.order.status_changed" in types[1:]


def test_a_declined_card_is_told_back_as_a_failed_purchase_with_no_money_taken(
        platform):
    customer = Customer(platform)
    customer.register_and_log_in()
    (product,) = _products(customer, 1)
    order = customer.order([(product, 1)])

    declined = buy(customer, order, "tok_chargeDeclined")
    assert declined.status_code == 402, declined.text

    kinds = wait_until(lambda: told(customer, {"purchase_failed"}), timeout=5,
                       what="the failed-purchase notification", interval=0.2)
    failed = kinds["purchase_failed"]
    assert "No money was taken from your card." in failed["body"]
    assert "card_declined" in failed["body"]
