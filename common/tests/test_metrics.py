"""Prometheus metrics: traffic moves the counters; calls to other services are counted."""

import pytest
import requests
import responses
from prometheus_client.core import GaugeMetricFamily

from common.errors import UpstreamUnavailable
from common.http import ServiceClient
from common.metrics import register_collector

pytestmark = pytest.mark.django_db


def _sample(body: str, name: str, **labels) -> float:
    for line in body.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def _metrics(client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_requests_are_counted_by_route_and_status(client):
    before = _metrics(client)
    client.get("/healthz")
    client.get("/healthz/")
    client.get("/no/such/thing")
    after = _metrics(client)
    for route, status, moved in (("/healthz", "200", 2), ("unmatched", "404", 1)):
        labels = {"service": "common_tests", "route": route, "status": status}
        assert _sample(after, "http_requests_total", **labels) - _sample(
            before, "http_requests_total", **labels) == moved
    assert _sample(after, "http_request_duration_seconds_count", method="GET",
                   route="/healthz") >= 2


def test_queries_are_counted_per_route(client):
    before = _sample(_metrics(client), "db_queries_total", route="/readyz")
    client.get("/readyz")
    assert _sample(_metrics(client), "db_queries_total", route="/readyz") == before + 1


@responses.activate
def test_calls_to_other_services_are_counted_by_outcome(client):
    upstream = ServiceClient("carrier_service", base_url="http://carrier.test", retries=0)
    responses.get("http://carrier.test/ok", json={})
    responses.get("http://carrier.test/missing", status=404)
    responses.get("http://carrier.test/down", body=requests.exceptions.ConnectionError())
    before = _metrics(client)
    upstream.get("/ok")
    upstream.get("/missing")
    with pytest.raises(UpstreamUnavailable):
        upstream.get("/down")
    after = _metrics(client)
    for outcome in ("success", "client_error", "connection_error"):
        labels = {"upstream": "carrier_service", "outcome": outcome}
        assert _sample(after, "upstream_calls_total", **labels) == _sample(
            before, "upstream_calls_total", **labels) + 1


def test_domain_collectors_are_read_at_scrape_time(client):
    figures = {"pending": 3}

    def collect():
        family = GaugeMetricFamily("test_orders", "Orders by status", labels=["status"])
        for status, count in figures.items():
            family.add_metric([status], count)
        yield family

    register_collector(collect)
    assert _sample(_metrics(client), "test_orders", status="pending") == 3
    figures["pending"] = 5
    assert _sample(_metrics(client), "test_orders", status="pending") == 5


def test_metrics_refuses_other_methods_with_the_envelope(client):
    response = client.post("/metrics")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
