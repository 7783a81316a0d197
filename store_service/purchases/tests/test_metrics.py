"""/metrics: purchases by state, worker lag and breaker state match the database and the
breakers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from purchases.breakers import partner_breaker
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


def _value(body: str, name: str, label: str = "") -> float:
    prefix = f"{name}{{{label}}}" if label else name + " "
    line = next(line for line in body.splitlines() if line.startswith(prefix))
    return float(line.rsplit(" ", 1)[1])


def _purchase(state: str, **fields):
    """A purchase already in `state` (set directly: the test is about counting, not moving)."""
    purchase = PurchaseFactory(**fields)
    Purchase.objects.filter(pk=purchase.pk).update(state=state)
    return purchase


def _scrape(api_client) -> str:
    response = api_client.get("/metrics")
    assert response.status_code == 200
    return response.content.decode()


def test_purchases_by_state_match_the_database(api_client):
    PurchaseFactory.create_batch(2)
    _purchase("FAILED")
    body = _scrape(api_client)
    assert _value(body, "shop_purchases", 'state="RECEIVED"') == 2
    assert _value(body, "shop_purchases", 'state="FAILED"') == 1
    assert _value(body, "shop_purchases", 'state="RESERVE_DELIVERED"') == 0


def test_worker_lag_is_the_age_of_the_oldest_due_purchase(api_client):
    assert _value(_scrape(api_client), "shop_purchase_oldest_waiting_seconds") == 0
    now = timezone.now()
    _purchase("ORDER_REQUESTED", next_attempt_at=now - timedelta(seconds=90))
    _purchase("RECEIVED", next_attempt_at=now + timedelta(seconds=90))
    _purchase("FAILED", next_attempt_at=now - timedelta(hours=5))
    assert 90 <= _value(_scrape(api_client), "shop_purchase_oldest_waiting_seconds") < 120


def test_breaker_state_matches_the_breaker(api_client):
    body = _scrape(api_client)
    assert _value(body, "shop_circuit_breaker_open", 'partner="carrier_service"') == 0
    partner_breaker("carrier_service").open()
    body = _scrape(api_client)
    assert _value(body, "shop_circuit_breaker_open", 'partner="carrier_service"') == 1
    assert _value(body, "shop_circuit_breaker_open", 'partner="supplier_service"') == 0
