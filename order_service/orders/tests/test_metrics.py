"""/metrics: the orders-by-status figures match the database."""

import pytest

from orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _gauge(body: str, status: str) -> float:
    line = next(line for line in body.splitlines()
                if line.startswith(f'shop_orders{{status="{status}"}}'))
    return float(line.rsplit(" ", 1)[1])


def test_orders_by_status_match_the_database(api_client):
    OrderFactory.create_batch(3, status="pending")
    OrderFactory(status="cancelled")
    body = api_client.get("/metrics").content.decode()
    assert _gauge(body, "pending") == 3
    assert _gauge(body, "cancelled") == 1
    assert _gauge(body, "completed") == 0


def test_order_traffic_moves_the_request_counter(api_client, customer_headers):
    def count(body):
        return sum(float(line.rsplit(" ", 1)[1]) for line in body.splitlines()
                   if line.startswith("http_requests_total{") and 'route="/api/orders"' in line)

    before = count(api_client.get("/metrics").content.decode())
    api_client.get("/api/orders", **customer_headers)
    api_client.get("/api/orders/", **customer_headers)
    assert count(api_client.get("/metrics").content.decode()) == before + 2
