"""The nginx gateway in front of a running user_service: routes, errors, CORS, rate limit."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.e2e.markers import requires_nginx
from tests.e2e.running_platform import RunningPlatform, free_port_offset, platform_env

pytestmark = [pytest.mark.e2e, requires_nginx]

ALLOWED_ORIGIN = "http://localhost:5173"
RATE_BURST = 50


@pytest.fixture(scope="module")
def gateway(sqlite_dir: Path) -> Iterator[RunningPlatform]:
    """Only user_service behind the gateway, with a small rate limit (30 r/m, burst 50)."""
    platform = RunningPlatform(
        ["--only", "user_service", "up", "--workers", "1"],
        platform_env(sqlite_dir, GATEWAY_RATE_LIMIT="30r/m", GATEWAY_RATE_BURST=str(RATE_BURST)),
        port_offset=free_port_offset(),
    )
    try:
        platform.wait_ready()
        yield platform
    finally:
        platform.stop()


def call(gateway: RunningPlatform, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(method, f"{gateway.gateway_url}{path}", timeout=10, **kwargs)


def assert_envelope(response: requests.Response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status
    assert error["code"] == code
    assert error["request_id"] == response.headers["X-Request-ID"]
    return error


@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
def test_gateway_answers_its_own_healthz(gateway, path):
    response = call(gateway, "GET", path)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": "gateway"}
    assert response.headers["X-Request-ID"]


def test_unknown_path_gets_the_not_found_envelope(gateway):
    response = call(gateway, "GET", "/no/such/route")

    error = assert_envelope(response, 404, "not_found")
    assert error["details"] is None


@pytest.mark.parametrize("path", ["/api/info/SP", "/api/order", "/api/delivery/ABC123"])
def test_partner_routes_stay_internal(gateway, path):
    response = call(gateway, "POST", path, json={})

    assert_envelope(response, 404, "not_found")


def test_a_request_line_over_8_kb_gets_the_envelope_from_the_gateway(gateway):
    response = call(gateway, "GET", "/api/users/me?q=" + "x" * 9000)

    error = assert_envelope(response, 414, "validation_error")
    assert "uri" in error["details"]


def test_a_long_request_line_below_the_limit_reaches_the_service_not_gunicorns_html(gateway):
    service = f"http://127.0.0.1:{3001 + gateway.port_offset}"
    response = requests.get(f"{service}/api/users/me?q={'x' * 6000}", timeout=10)

    assert_envelope(response, 401, "not_authenticated")


def test_a_request_line_over_the_header_buffers_gets_nginxs_own_414_as_the_envelope(gateway):
    response = call(gateway, "GET", "/api/users/me?q=" + "x" * 40_000)

    error = assert_envelope(response, 414, "validation_error")
    assert "uri" in error["details"]


def test_an_oversized_header_gets_the_envelope_not_nginxs_html(gateway):
    response = call(gateway, "GET", "/api/users/me", headers={"X-Big": "x" * 9000})

    error = assert_envelope(response, 431, "validation_error")
    assert "headers" in error["details"]


def test_many_small_headers_reach_the_service_not_gunicorns_html(gateway):
    headers = {f"X-Extra-{number}": "1" for number in range(150)}

    response = call(gateway, "GET", "/api/users/me", headers=headers)

    assert_envelope(response, 401, "not_authenticated")


def test_a_method_nginx_refuses_gets_the_method_not_allowed_envelope(gateway):
    response = call(gateway, "TRACE", "/api/users/me")

    assert_envelope(response, 405, "method_not_allowed")


def test_an_unsupported_transfer_encoding_gets_the_parse_error_envelope(gateway):
    response = call(gateway, "POST", "/api/users", headers={"Transfer-Encoding": "gzip, foo"},
                    data=b"{}")

    assert_envelope(response, 400, "parse_error")


def test_a_body_over_one_megabyte_gets_the_envelope(gateway):
    response = call(gateway, "POST", "/api/users", data=b"x" * (1024 * 1024 + 1),
                    headers={"Content-Type": "application/json"})

    error = assert_envelope(response, 413, "validation_error")
    assert "body" in error["details"]


def raw_exchange(gateway: RunningPlatform, request: bytes) -> tuple[str, dict, dict]:
    """Send bytes as they are; the status line, headers and JSON body of the answer."""
    address = urlsplit(gateway.gateway_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in
               (line.partition(":") for line in lines)}
    return status, headers, json.loads(body)


@pytest.mark.parametrize("request_bytes", [
    b"GARBAGE\r\n\r\n",
    b"GET /api/users/me HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n",
    b"GET /api/users/me HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"GET /api/users/me HTTP/2.0\r\nHost: x\r\n\r\n",
])
def test_a_request_nginx_cannot_parse_gets_the_parse_error_envelope(gateway, request_bytes):
    status, headers, body = raw_exchange(gateway, request_bytes)

    assert status.split()[1] == "400"
    assert headers["content-type"].startswith("application/json")
    assert body["error"]["code"] == "parse_error"
    assert body["error"]["request_id"] == headers["x-request-id"]


def test_the_public_key_set_is_served_through_the_gateway(gateway):
    response = call(gateway, "GET", "/.well-known/jwks.json")

    assert response.status_code == 200
    assert response.json()["keys"] and all(key["kid"] for key in response.json()["keys"])


@pytest.mark.parametrize("path", ["/api/payments", "/api/notifications/"])
def test_the_new_services_are_routed_and_answer_upstream_unavailable_when_down(gateway, path):
    response = call(gateway, "GET", path)  # only user_service runs here

    assert response.status_code in (502, 503, 504)
    assert_envelope(response, response.status_code, "upstream_unavailable")


def test_a_well_formed_request_id_is_passed_to_the_service_and_echoed(gateway):
    response = call(gateway, "GET", "/api/users/me", headers={"X-Request-ID": "e2e-gateway.42"})

    error = assert_envelope(response, 401, "not_authenticated")
    assert error["request_id"] == "e2e-gateway.42"  # written by user_service itself


def test_a_malformed_request_id_is_replaced(gateway):
    response = call(gateway, "GET", "/no/such/route", headers={"X-Request-ID": "not valid!"})

    error = assert_envelope(response, 404, "not_found")
    assert error["request_id"] != "not valid!"
    assert uuid.UUID(error["request_id"]).version == 4
    assert str(uuid.UUID(error["request_id"])) == error["request_id"]


def test_a_malformed_request_id_is_replaced_by_a_uuid_on_the_way_to_a_service(gateway):
    response = call(gateway, "GET", "/api/users/me", headers={"X-Request-ID": "bad id!"})

    replaced = response.headers["X-Request-ID"]
    assert str(uuid.UUID(replaced)) == replaced
    assert response.json()["error"]["request_id"] == replaced


def test_a_route_whose_service_is_down_answers_upstream_unavailable(gateway):
    response = call(gateway, "GET", "/api/products")  # product_service is not started here

    assert response.status_code in (502, 503, 504)
    assert_envelope(response, response.status_code, "upstream_unavailable")


def test_cors_preflight_from_an_allowed_origin_is_answered_by_the_gateway(gateway):
    response = call(gateway, "OPTIONS", "/api/users", headers={
        "Origin": ALLOWED_ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
    })

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    allowed_headers = response.headers["Access-Control-Allow-Headers"].lower()
    for header in ("authorization", "content-type", "idempotency-key", "x-request-id"):
        assert header in allowed_headers
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_cors_headers_are_refused_to_other_origins(gateway):
    response = call(gateway, "OPTIONS", "/api/users", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})

    assert response.status_code == 204
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Methods" not in response.headers


def test_cors_response_exposes_the_request_id(gateway):
    response = call(gateway, "GET", "/api/users/me", headers={"Origin": ALLOWED_ORIGIN})

    assert response.status_code == 401
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert response.headers["Access-Control-Expose-Headers"] == "X-Request-ID"


def test_more_requests_than_the_burst_get_the_throttled_envelope(gateway):
    # Last in the module: it empties this client's bucket (30 r/m, burst 50, no delay).
    statuses = []
    for _ in range(RATE_BURST + 6):
        response = call(gateway, "GET", "/api/users/me")
        statuses.append(response.status_code)
        if response.status_code == 429:
            break

    assert statuses[-1] == 429, statuses
    assert len(statuses) <= RATE_BURST + 2  # at most one slot plus the burst went through
    assert set(statuses[:-1]) <= {401}
    error = assert_envelope(response, 429, "throttled")
    assert error["message"]
