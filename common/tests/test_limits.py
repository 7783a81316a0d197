"""Request limits: body size, JSON shape and strings, NUL bytes, trusted proxies, throttle keys,
and throttled Django admin sign-ins. Each answers a 4xx envelope, never a 500."""

import json

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from common.limits import client_address, throttle_key

pytestmark = pytest.mark.django_db


def _post_json(client, body: str, path="/api/echo"):
    return client.generic("POST", path, body.encode("utf-8", "surrogatepass"),
                          content_type="application/json")


def _error(response, status, code):
    assert response.status_code == status, response.content[:300]
    assert response.json()["error"]["code"] == code
    return response.json()["error"]


@pytest.mark.parametrize("depth", [21, 5000, 200_000])
def test_json_nested_too_deep_is_a_400(client, depth):
    _error(_post_json(client, "[" * depth + "]" * depth), 400, "parse_error")


def test_json_nested_within_the_limit_is_parsed(client):
    body = json.dumps({"price": "1.00", "x": [[[[{"y": [1]}]]]]})
    assert _post_json(client, body).status_code == 201


@pytest.mark.parametrize("body", [
    pytest.param('{"price": "1.00", "note": "a\\u0000b"}', id="nul-escape"),
    pytest.param('{"price": "1.00\\u0000"}', id="nul-in-field"),
    pytest.param('{"price": "1.00", "note\\u0000": 1}', id="nul-in-key"),
    pytest.param('{"price": "1.00", "note": "\\ud800"}', id="lone-surrogate-escape"),
    pytest.param('{"price": "\\udfff1.00"}', id="lone-low-surrogate"),
    pytest.param('{"price": NaN}', id="nan"),
    pytest.param('{"price": Infinity}', id="infinity"),
    pytest.param('{"price": ' + "9" * 5000 + "}", id="int-beyond-python-limit"),
])
def test_strings_and_numbers_no_database_takes_are_a_400(client, body):
    _error(_post_json(client, body), 400, "parse_error")


def test_a_body_that_is_not_utf8_is_a_400(client):
    response = client.generic("POST", "/api/echo", b'{"price": "\xff\xfe"}',
                              content_type="application/json")
    _error(response, 400, "parse_error")


def test_a_body_over_the_limit_is_a_413_envelope(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    error = _error(_post_json(client, json.dumps({"price": "1.00", "pad": "x" * 2000})), 413,
                   "payload_too_large")
    assert error["details"] == {"max_bytes": 1000}
    assert _post_json(client, json.dumps({"price": "1.00"})).status_code == 201


def test_the_default_body_limit_is_one_mebibyte(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1_048_576


@pytest.mark.parametrize("path", ["/api/greetings/%00", "/api/greetings/a%00b", "/api/echo%00"])
def test_nul_in_a_path_is_a_404(client, path):
    _error(client.get(path), 404, "not_found")


def test_nul_in_a_query_is_a_400(client):
    error = _error(client.get("/api/echo?count=1%00"), 400, "validation_error")
    assert "query" in error["details"]


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_a_client_reaching_the_service_directly_cannot_choose_its_address(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(_request("10.0.0.2", "198.51.100.7")) == "198.51.100.7"
    # the client prepended a fake hop; the proxy appended the real one
    assert client_address(_request("10.0.0.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert client_address(_request("10.0.0.2", "198.51.100.7, 10.0.0.5")) == "198.51.100.7"
    assert client_address(_request("10.0.0.2", "not-an-ip")) == "10.0.0.2"
    assert client_address(_request("192.0.2.1", "198.51.100.7")) == "192.0.2.1"


def test_a_forged_forwarded_for_does_not_dodge_the_throttle(client, settings):
    settings.TRUSTED_PROXIES = []
    cache.clear()
    statuses = [client.get("/api/client-throttled", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}").status_code
                for n in range(3)]
    assert statuses == [200, 200, 429]


def test_throttle_keys_are_bounded_and_normalized():
    huge = throttle_key("login", "x" * 1_000_000, "203.0.113.9")
    assert len(huge) == len(throttle_key("login", "a", "b")) == len("throttle_login_") + 64
    same = throttle_key("login", "ana@example.com", "1")
    assert throttle_key("login", " Ana@Example.com ", "1") == same
    assert throttle_key("login", "\ud800", "1")  # a lone surrogate is hashed, not an error


def test_django_admin_sign_ins_are_throttled_per_client(client, settings):
    cache.clear()
    statuses = [client.post("/admin/login/", {"username": f"u{n}@example.com", "password": "x"},
                            REMOTE_ADDR="198.51.100.20").status_code for n in range(11)]
    assert statuses[:10] == [200] * 10  # the form again, with its error
    error = _error(client.post("/admin/login/", {"username": "a", "password": "b"},
                               REMOTE_ADDR="198.51.100.20"), 429, "throttled")
    assert error["details"]["retry_after"] > 0
    assert statuses[10] == 429
    other = client.post("/admin/login/", {"username": "a", "password": "b"},
                        REMOTE_ADDR="198.51.100.21")
    assert other.status_code == 200
