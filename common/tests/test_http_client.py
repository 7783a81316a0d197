"""The client for calls between services, tested at the HTTP boundary."""

import pybreaker
import pytest
import requests
import responses
from django.conf import settings

from common.errors import UpstreamUnavailable
from common.http import ServiceClient, UpstreamRefused, clients_reset, service_client
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
    with pytest.raises(UpstreamUnavailable):
        client.get("/down")
    with pytest.raises(UpstreamUnavailable) as raised:
        client.get("/down")
    assert "circuit open" in str(raised.value.detail)
    assert raised.value.service == "carrier_service"
    assert len(responses.calls) == 1


@responses.activate
def test_proxy_variables_in_the_environment_are_not_used(client, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "")
    responses.get(f"{BASE}/direct", json={})
    assert client.get("/direct").status_code == 200
    assert client.session.trust_env is False


# ---- call(): one answer, one refusal type, one outage type ------------------------------------

def _envelope(status, code, *, reason=None, details=None, message="Said in prose."):
    error = {"status": status, "code": code, "message": message, "details": details}
    if reason:
        error["reason"] = reason
    return {"error": error}


@responses.activate
def test_call_returns_the_json_of_an_expected_status(client):
    responses.post(f"{BASE}/things", status=201, json={"id": 7})
    assert client.call("POST", "/things", json={}, expect=(200, 201)) == {"id": 7}


@responses.activate
def test_call_returns_none_for_an_expected_204(client):
    responses.delete(f"{BASE}/things/7", status=204)
    assert client.call("DELETE", "/things/7", expect=(204,)) is None


@responses.activate
def test_call_raises_a_typed_refusal_from_the_envelope_never_from_the_message(client):
    responses.post(f"{BASE}/reserve", status=409, json=_envelope(
        409, "conflict", reason="insufficient_stock", details={"items": [{"available": 1}]},
        message="Secret wording nobody should parse."))
    with pytest.raises(UpstreamRefused) as raised:
        client.call("POST", "/reserve", json={})
    refused = raised.value
    assert (refused.service, refused.status, refused.code, refused.reason) == (
        "product_service", 409, "conflict", "insufficient_stock")
    assert refused.details == {"items": [{"available": 1}]}
    assert "Secret wording" not in str(refused)
    assert str(refused) == ("product_service refused: HTTP 409 conflict (insufficient_stock) "
                            "{'items': [{'available': 1}]}")


@responses.activate
def test_a_refusal_without_a_reason_has_none(client):
    responses.get(f"{BASE}/missing", status=404, json=_envelope(404, "not_found"))
    with pytest.raises(UpstreamRefused) as raised:
        client.call("GET", "/missing")
    assert (raised.value.status, raised.value.code, raised.value.reason) == (
        404, "not_found", None)


@pytest.mark.parametrize("answer", [
    pytest.param({"status": 200, "body": "<html>ok</html>"}, id="expected-status-not-json"),
    pytest.param({"status": 404, "body": "Not Found"}, id="4xx-not-json"),
    pytest.param({"status": 400, "json": {"detail": "no envelope"}}, id="4xx-not-an-envelope"),
    pytest.param({"status": 201, "json": {"id": 1}}, id="unexpected-2xx"),
    pytest.param({"status": 302, "headers": {"Location": "/x"}}, id="redirect"),
    pytest.param({"status": 500, "json": _envelope(500, "server_error")}, id="5xx"),
])
@responses.activate
def test_call_raises_upstream_unavailable_for_anything_else(answer):
    client = ServiceClient("product_service", base_url=BASE, retries=0)
    responses.get(f"{BASE}/odd", **answer)
    with pytest.raises(UpstreamUnavailable) as raised:
        client.call("GET", "/odd")
    assert raised.value.service == "product_service"


@responses.activate
def test_refusals_do_not_count_against_the_breaker():
    breaker = pybreaker.CircuitBreaker(fail_max=1, reset_timeout=60,
                                       exclude=[lambda e: not isinstance(e, UpstreamUnavailable)])
    client = ServiceClient("carrier_service", base_url=BASE, retries=0, breaker=breaker)
    responses.post(f"{BASE}/delivery", status=400, json=_envelope(400, "validation_error"))
    for _ in range(3):
        with pytest.raises(UpstreamRefused):
            client.call("POST", "/delivery", json={})
    assert breaker.current_state == "closed" and len(responses.calls) == 3


@responses.activate
def test_shared_clients_with_a_breaker_share_one_per_service(settings):
    settings.SERVICE_URLS = {**settings.SERVICE_URLS, "carrier_service": BASE}
    settings.REDIS_URL = ""
    settings.BREAKER_FAIL_MAX = 2
    settings.HTTP_CLIENT_RETRIES = 0
    clients_reset()
    try:
        guarded = service_client("carrier_service", breaker=True)
        assert service_client("carrier_service", breaker=True) is guarded
        assert service_client("carrier_service").breaker is None
        responses.get(f"{BASE}/down", status=503)
        for _ in range(3):
            with pytest.raises(UpstreamUnavailable):
                guarded.call("GET", "/down")
        assert guarded.breaker.current_state == "open"
        assert len(responses.calls) == 2  # the third call was not attempted
    finally:
        clients_reset()
