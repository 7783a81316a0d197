"""Stateless JWT authentication: good tokens pass, every kind of bad token gets 401."""

import base64
import json
import uuid
from datetime import timedelta

import jwt
import pytest
from django.conf import settings as django_settings

from common.auth import service_principal_id, service_token
from common.testing import auth_header, make_token

pytestmark = pytest.mark.django_db


def _bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_valid_token_authenticates_with_its_claims(client):
    user_id = uuid.uuid4()
    response = client.get("/api/whoami", **auth_header(user_id=user_id, role="ADMIN",
                                                       email="a@example.com"))
    assert response.status_code == 200
    assert response.json() == {"id": str(user_id), "role": "ADMIN", "email": "a@example.com"}


def _claims(**overrides):
    claims = {"token_type": "access", "user_id": str(uuid.uuid4()), "role": "USER",
              "email": "x@example.com", "jti": uuid.uuid4().hex, "exp": 4102444800}
    claims.update(overrides)
    return claims


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("token", [
    pytest.param(jwt.encode(_claims(), "another-key-entirely-but-long-enough-32b",
                            algorithm="HS256"), id="signed-with-another-key"),
    pytest.param(f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims())}.", id="alg-none"),
    pytest.param("not-a-jwt-at-all", id="not-a-jwt"),
    pytest.param(make_token(lifetime=timedelta(seconds=-5)), id="expired"),
])
def test_bad_tokens_are_authentication_failed(client, token):
    response = client.get("/api/whoami", **_bearer(token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_refresh_token_is_not_accepted_as_access(client):
    token = jwt.encode(_claims(token_type="refresh"), django_settings.SIMPLE_JWT["SIGNING_KEY"],
                       algorithm="HS256")
    assert client.get("/api/whoami", **_bearer(token)).status_code == 401


@pytest.mark.parametrize("claims", [
    {"role": "ROOT"}, {"role": None}, {"user_id": "not-a-uuid"},
])
def test_a_token_without_valid_contract_claims_is_rejected(client, claims):
    token = jwt.encode(_claims(**claims), django_settings.SIMPLE_JWT["SIGNING_KEY"],
                       algorithm="HS256")
    response = client.get("/api/whoami", **_bearer(token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


@pytest.mark.parametrize(("path", "role", "expected"), [
    ("/api/admin-only", "ADMIN", 200), ("/api/admin-only", "USER", 403),
    ("/api/admin-only", "SERVICE", 403), ("/api/service-only", "SERVICE", 200),
    ("/api/service-only", "ADMIN", 403), ("/api/admin-or-service", "SERVICE", 200),
    ("/api/admin-or-service", "ADMIN", 200), ("/api/admin-or-service", "USER", 403),
])
def test_role_permissions(client, path, role, expected):
    response = client.get(path, **auth_header(role=role))
    assert response.status_code == expected
    if expected == 403:
        assert response.json()["error"]["code"] == "permission_denied"


def test_service_tokens_carry_the_service_role_and_a_stable_id(client):
    token = service_token("order_service")
    response = client.get("/api/whoami", **_bearer(token))
    assert response.json()["role"] == "SERVICE"
    assert response.json()["id"] == str(service_principal_id("order_service"))
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] <= django_settings.SERVICE_TOKEN_SECONDS
