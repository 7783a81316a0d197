"""Every error, DRF's and Django's, answers the contract's envelope."""

import json

import pytest

from common.errors import Conflict, PaymentDeclined, RuleViolation, exception_handler

pytestmark = pytest.mark.django_db


def _error(response):
    body = json.loads(response.content)
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "details", "request_id"}
    assert error["status"] == response.status_code
    assert error["request_id"] == response["X-Request-ID"]
    return error


def test_unknown_url_is_a_json_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_unknown_url_with_post_is_a_json_404_not_a_csrf_failure(client):
    response = client.post("/no/such/page", {"a": 1}, format="json")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_wrong_method_is_405(client):
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"


def test_malformed_json_is_a_parse_error(client):
    response = client.post("/api/echo", data="{not json", content_type="application/json")
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "parse_error"
    assert error["details"] is None


def test_wrong_content_type_is_415(client):
    response = client.post("/api/echo", data="price=1", content_type="text/plain")
    assert response.status_code == 415
    assert _error(response)["code"] == "unsupported_media_type"


def test_validation_error_maps_each_field_to_its_messages(client):
    response = client.post("/api/echo", {"price": "0"}, format="json")
    assert response.status_code == 400
    error = _error(response)
    assert error["code"] == "validation_error"
    assert error["message"] == "Invalid input."
    assert list(error["details"]) == ["price"]
    assert isinstance(error["details"]["price"], list)


def test_a_drf_view_that_raises_is_a_500_without_internals(client, caplog):
    response = client.get("/api/boom")
    assert response.status_code == 500
    error = _error(response)
    assert error["code"] == "internal_error"
    assert "secret" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    logged = [r for r in caplog.records if r.name == "common.errors"]
    assert logged and logged[0].exc_info is not None


def test_a_plain_django_view_that_raises_is_a_500_envelope(client):
    response = client.get("/plain/boom")
    assert response.status_code == 500
    assert _error(response)["code"] == "internal_error"


def test_throttling_is_a_429_envelope_with_retry_after(client):
    statuses = [client.get("/api/throttled").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/throttled")
    error = _error(response)
    assert error["code"] == "throttled"
    assert error["details"]["retry_after"] > 0


def test_missing_token_is_not_authenticated(client):
    response = client.get("/api/whoami")
    assert response.status_code == 401
    assert _error(response)["code"] == "not_authenticated"


def test_a_path_with_a_newline_is_a_json_404_even_under_debug(client, settings):
    settings.DEBUG = True  # Django's own 404 page would be HTML
    response = client.get("/api/products/%0A")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


@pytest.mark.parametrize(("error", "status", "code"), [
    (Conflict("Short.", details={"items": []}, reason="insufficient_stock"), 409, "conflict"),
    (PaymentDeclined("No.", reason="card_declined"), 402, "payment_declined"),
    (RuleViolation({"voucher_code": ["Expired."]}, reason="voucher_expired"), 400,
     "validation_error"),
])
def test_a_refused_rule_names_its_reason_in_the_envelope(error, status, code):
    response = exception_handler(error, {})

    body = response.data["error"]
    assert (response.status_code, body["code"]) == (status, code)
    assert body["reason"] == error.reason


def test_an_error_without_a_reason_has_no_reason_key():
    response = exception_handler(Conflict("Taken."), {})

    assert "reason" not in response.data["error"]
