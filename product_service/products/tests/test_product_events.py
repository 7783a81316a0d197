"""`shop.product.changed`: written with every create, update and delete, in its transaction."""

from decimal import Decimal

import pytest

from common.events import validate_event
from common.events.models import OutboxEvent
from products import services
from products.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

VALID = {"name": "Desk Lamp", "description": "LED", "price": "24.95", "stock": 7}


def _events():
    events = list(OutboxEvent.objects.filter(type="shop.product.changed").order_by("id"))
    for event in events:
        validate_event(event.envelope)
    return events


def test_product_create_publishes_the_product(api_client, admin_headers):
    response = api_client.post("/api/products", VALID, format="json", **admin_headers)

    [event] = _events()
    product_id = response.json()["id"]
    assert event.subject == product_id
    assert event.envelope["data"] == {"product_id": product_id, "name": "Desk Lamp",
                                      "description": "LED", "price": "24.95", "stock": 7,
                                      "deleted": False}


def test_product_update_publishes_the_new_values(api_client, admin_headers):
    product = ProductFactory(price=Decimal("10.00"), stock=3)

    api_client.patch(f"/api/products/{product.id}", {"price": "12.5"}, format="json",
                     **admin_headers)

    [event] = _events()
    assert event.envelope["data"]["price"] == "12.50"
    assert event.envelope["data"]["stock"] == 3


def test_product_delete_publishes_deleted(api_client, admin_headers):
    product = ProductFactory()

    api_client.delete(f"/api/products/{product.id}", **admin_headers)

    [event] = _events()
    assert event.subject == str(product.id)
    assert event.envelope["data"]["product_id"] == str(product.id)
    assert event.envelope["data"]["deleted"] is True


def test_a_refused_write_publishes_nothing(api_client, admin_headers):
    product = ProductFactory()

    api_client.post("/api/products", {**VALID, "price": "0"}, format="json", **admin_headers)
    api_client.patch(f"/api/products/{product.id}", {"stock": -1}, format="json",
                     **admin_headers)

    assert not _events()


def test_a_write_that_rolls_back_leaves_no_event(monkeypatch):
    def failing_publish(**kwargs):
        raise RuntimeError("the outbox is gone")

    product = ProductFactory(stock=3)
    monkeypatch.setattr("products.events.publish", failing_publish)

    with pytest.raises(RuntimeError):
        services.product_update(product=product, changes={"stock": 9})

    product.refresh_from_db()
    assert product.stock == 3
    assert not OutboxEvent.objects.exists()


def test_reservations_publish_no_product_event(api_client, service_headers):
    product = ProductFactory(stock=5)

    api_client.post("/api/products/reservations", {"reference": "order-1", "items": [
        {"product_id": str(product.id), "quantity": 2}]}, format="json", **service_headers)

    assert not _events()
