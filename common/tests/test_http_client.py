"""The client for calls between services, tested at the HTTP boundary."""

import pybreaker
import pytest
import requests
import responses
from django.conf import settings

from common.errors import UpstreamUnavailable
from common.http import ServiceClient
from common.request_id import request_id_var
from common.testing import read_token

BASE = "http://upstream.test"


@pytest.fixture
def client():
    return ServiceClient("product_service", base_url=BASE, backoff=0)


@pytest.fixture
def request_id():
    token = request_id_var.set("req-123")
    yield "req-123"
    request_id_var.reset(token)


@responses.activate
def test_success_forwards_request_id_and_a_service_token(client, request_id):
    responses.get(f"{BASE}/api/products/1", json={"id": 1})
    response = client.get("/api/products/1")
    assert response.json() == {"id": 1}
    sent = responses.calls[0].request.headers
    assert sent["X-Request-ID"] == "req-123"
    scheme, token = sent["Authorization"].split()
    claims = read_token(token, audience="product_service")
    assert scheme == "Bearer" and claims["role"] == "SERVICE"
    assert (claims["iss"], claims["aud"]) == (settings.SERVICE_NAME, "product_service")


@responses.activate
def test_the_callers_authorization_is_forwarded_when_given(client):
    responses.get(f"{BASE}/x", json={})
    client.get("/x", authorization="Bearer caller-token")
    assert responses.calls[0].request.headers["Authorization"] == "Bearer caller-token"


@responses.activate
def test_a_4xx_is_returned_as_it_is(client):
    responses.get(f"{BASE}/missing", status=404, json={"error": {"code": "not_found"}})
    response = client.get("/missing")
    assert response.status_code == 404
    assert len(responses.calls) == 1


@responses.activate
def test_a_5xx_becomes_upstream_unavailable_after_bounded_retries(client):
    responses.get(f"{BASE}/flaky", status=503)
    with pytest.raises(UpstreamUnavailable) as raised:
        client.get("/flaky")
    assert raised.value.status_code == 503
    assert raised.value.get_codes() == "upstream_unavailable"
    assert len(responses.calls) == 1 + settings.HTTP_CLIENT_RETRIES


@responses.activate
def test_a_post_is_never_retried(client):
    responses.post(f"{BASE}/orders", status=502)
    with pytest.raises(UpstreamUnavailable):
        client.post("/orders", json={"a": 1})
    assert len(responses.calls) == 1


@responses.activate
def test_a_500_is_upstream_unavailable(client):
    responses.get(f"{BASE}/boom", status=500)
    with pytest.raises(UpstreamUnavailable):
        client.get("/boom")


@responses.activate
@pytest.mark.parametrize("failure", [requests.exceptions.ConnectTimeout(),
                                     requests.exceptions.ReadTimeout(),
                                     requests.exceptions.ConnectionError("refused")])
def test_timeouts_and_refused_connections_are_upstream_unavailable(client, failure):
    responses.get(f"{BASE}/slow", body=failure)
    with pytest.raises(UpstreamUnavailable):
        client.get("/slow")


def test_a_real_refused_connection_is_upstream_unavailable():
    client = ServiceClient("user_service", base_url="http://127.0.0.1:9", retries=0)
    with pytest.raises(UpstreamUnavailable):
        client.get("/healthz")


@responses.activate
def test_redirects_are_not_followed(client):
    responses.get(f"{BASE}/moved", status=302, headers={"Location": f"{BASE}/elsewhere"})
    assert client.get("/moved").status_code == 302
    assert len(responses.calls) == 1


@responses.activate
def test_every_call_has_the_configured_timeout(client):
    responses.get(f"{BASE}/t", json={})
    client.get("/t")
    assert responses.calls[0].request.req_kwargs["timeout"] == settings.HTTP_CLIENT_TIMEOUT


@responses.activate
def test_an_open_breaker_fails_fast_without_a_call():
    breaker = pybreaker.CircuitBreaker(fail_max=1, reset_timeout=60,
                                       exclude=[lambda e: not isinstance(e, UpstreamUnavailable)])
    client = ServiceClient("carrier_service", base_url=BASE, retries=0, breaker=breaker)
    responses.get(f"{BASE}/down", status=503)
    with pytest.raises((UpstreamUnavailable, pybreaker.CircuitBreakerError)):
        client.get("/down")
    with pytest.raises(pybreaker.CircuitBreakerError):
        client.get("/down")
    assert len(responses.calls) == 1


@responses.activate
def test_proxy_variables_in_the_environment_are_not_used(client, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "")
    responses.get(f"{BASE}/direct", json={})
    assert client.get("/direct").status_code == 200
    assert client.session.trust_env is False
