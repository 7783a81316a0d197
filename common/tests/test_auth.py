"""JWT authentication with public keys: good tokens pass, every forged or bad one gets 401."""

import base64
import json
import uuid
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings as django_settings

from common.auth import keys
from common.auth.tokens import forget_minted_tokens, service_principal_id, service_token
from common.testing import auth_header, make_token, read_token

pytestmark = pytest.mark.django_db


def _bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _claims(**overrides):
    now = int(__import__("time").time())
    claims = {"token_type": "access", "user_id": str(uuid.uuid4()), "role": "ADMIN",
              "email": "x@example.com", "jti": uuid.uuid4().hex, "iss": "user_service",
              "iat": now, "exp": now + 600}
    claims.update(overrides)
    return claims


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _signed_with(owner: str, filename: str, claims: dict) -> str:
    key = keys.load_signing_key(str(Path(django_settings.JWT_KEYS_DIR) / owner / filename))
    return jwt.encode(claims, key.key, algorithm="EdDSA", headers={"kid": key.kid})


def test_a_valid_token_authenticates_with_its_claims(client):
    user_id = uuid.uuid4()
    response = client.get("/api/whoami", **auth_header(user_id=user_id, role="ADMIN",
                                                       email="a@example.com"))
    assert response.status_code == 200
    assert response.json() == {"id": str(user_id), "role": "ADMIN", "email": "a@example.com"}


def test_user_tokens_carry_iat_jti_iss_and_the_kid_of_the_user_key():
    token = make_token(role="USER")
    header = jwt.get_unverified_header(token)
    user_key = keys.load_signing_key(
        str(Path(django_settings.JWT_KEYS_DIR) / "user_service" / "user_tokens.pem"))
    assert header == {"alg": "EdDSA", "kid": user_key.kid, "typ": "JWT"}
    claims = read_token(token, audience="common_tests")
    assert {"iat", "jti", "exp", "iss", "user_id", "email", "role"} <= set(claims)


@pytest.mark.parametrize("token", [
    pytest.param(jwt.encode(_claims(), "the-old-shared-hs256-signing-key-32-bytes-long",
                            algorithm="HS256"), id="old-shared-hs256-scheme"),
    pytest.param(f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims())}.", id="alg-none"),
    pytest.param(jwt.encode(_claims(), Ed25519PrivateKey.generate(), algorithm="EdDSA",
                            headers={"kid": "not-a-known-key"}), id="unknown-kid"),
    pytest.param("not-a-jwt-at-all", id="not-a-jwt"),
])
def test_bad_tokens_are_authentication_failed(client, token):
    response = client.get("/api/whoami", **_bearer(token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_an_expired_token_is_refused(client):
    token = make_token(lifetime=timedelta(seconds=-30))
    assert client.get("/api/whoami", **_bearer(token)).status_code == 401


def test_a_known_kid_with_another_keys_signature_is_refused(client):
    user_kid = jwt.get_unverified_header(make_token())["kid"]
    forged = jwt.encode(_claims(), Ed25519PrivateKey.generate(), algorithm="EdDSA",
                        headers={"kid": user_kid})
    assert client.get("/api/whoami", **_bearer(forged)).status_code == 401


@pytest.mark.parametrize("service", ["order_service", "carrier_service", "product_service",
                                     "store_service", "supplier_service"])
def test_a_services_own_key_cannot_sign_a_user_or_admin_token(client, service):
    forged = _signed_with(service, "private.pem", _claims(iss=service))
    assert client.get("/api/whoami", **_bearer(forged)).status_code == 401
    forged_as_users = _signed_with(service, "private.pem", _claims())
    assert client.get("/api/whoami", **_bearer(forged_as_users)).status_code == 401


def test_a_service_key_cannot_sign_in_another_services_name(client):
    claims = make_token(role="SERVICE", service="carrier_service")
    body = jwt.decode(claims, options={"verify_signature": False})
    body.update(iss="order_service", user_id=str(service_principal_id("order_service")))
    forged = _signed_with("carrier_service", "private.pem", body)
    assert client.get("/api/whoami", **_bearer(forged)).status_code == 401


def test_a_service_token_for_another_audience_is_refused(client):
    token = make_token(role="SERVICE", audience="user_service")
    assert client.get("/api/whoami", **_bearer(token)).status_code == 401


def test_a_service_token_living_over_60_seconds_is_refused(client):
    token = make_token(role="SERVICE", lifetime=timedelta(seconds=600))
    assert client.get("/api/whoami", **_bearer(token)).status_code == 401


def test_a_service_token_naming_a_user_as_its_principal_is_refused(client):
    token = make_token(role="SERVICE", user_id=uuid.uuid4())
    assert client.get("/api/whoami", **_bearer(token)).status_code == 401


def test_the_user_key_cannot_sign_a_service_token(client):
    body = jwt.decode(make_token(role="SERVICE"), options={"verify_signature": False})
    forged = _signed_with("user_service", "user_tokens.pem", body)
    assert client.get("/api/whoami", **_bearer(forged)).status_code == 401


def test_a_refresh_token_is_not_accepted_as_access(client):
    token = make_token(token_type="refresh")
    assert client.get("/api/whoami", **_bearer(token)).status_code == 401


@pytest.mark.parametrize("claims", [
    {"role": "ROOT"}, {"role": None}, {"role": "SERVICE"}, {"user_id": "not-a-uuid"},
    {"iss": "order_service"},
])
def test_a_token_without_valid_contract_claims_is_rejected(client, claims):
    token = _signed_with("user_service", "user_tokens.pem", _claims(**claims))
    response = client.get("/api/whoami", **_bearer(token))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


@pytest.mark.parametrize("missing", ["iat", "jti", "exp", "iss"])
def test_a_user_token_missing_a_required_claim_is_rejected(client, missing):
    claims = _claims()
    del claims[missing]
    token = _signed_with("user_service", "user_tokens.pem", claims)
    assert client.get("/api/whoami", **_bearer(token)).status_code == 401


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


@pytest.mark.parametrize(("caller", "expected"), [
    ("order_service", 200), ("carrier_service", 403), ("store_service", 403)])
def test_a_service_only_route_accepts_the_callers_it_names(client, caller, expected):
    response = client.get("/api/order-service-only",
                          **auth_header(role="SERVICE", service=caller))
    assert response.status_code == expected
    if expected == 200:
        assert response.json() == {"caller": "order_service"}


@pytest.mark.parametrize("role", ["USER", "ADMIN"])
def test_a_named_caller_route_refuses_user_tokens(client, role):
    assert client.get("/api/order-service-only", **auth_header(role=role)).status_code == 403


def test_service_tokens_name_caller_and_audience_and_live_at_most_60_seconds(settings):
    settings.SERVICE_NAME = "order_service"
    settings.JWT_PRIVATE_KEY = str(Path(settings.JWT_KEYS_DIR) / "order_service" / "private.pem")
    forget_minted_tokens()
    token = service_token(audience="product_service")
    claims = read_token(token, audience="product_service")
    assert claims["role"] == "SERVICE" and claims["iss"] == "order_service"
    assert claims["aud"] == "product_service"
    assert claims["user_id"] == str(service_principal_id("order_service"))
    assert claims["exp"] - claims["iat"] <= 60
    forget_minted_tokens()


def test_a_rotated_key_and_the_one_before_it_are_both_valid(client, tmp_path, settings):
    keys.keys_ensure(keys_dir=tmp_path, services=["order_service"])
    settings.JWT_KEYS_DIR = str(tmp_path)
    settings.JWT_PUBLIC_KEYS = str(tmp_path / "public.json")
    old = make_token(role="ADMIN")
    new_kid = keys.key_rotate(keys_dir=tmp_path, owner="user_service", use_for="user")
    new = make_token(role="ADMIN")
    assert jwt.get_unverified_header(new)["kid"] == new_kid != jwt.get_unverified_header(old)["kid"]
    assert client.get("/api/whoami", **_bearer(old)).status_code == 200
    assert client.get("/api/whoami", **_bearer(new)).status_code == 200
    keys.key_retire(keys_dir=tmp_path, kid=jwt.get_unverified_header(old)["kid"])
    assert client.get("/api/whoami", **_bearer(old)).status_code == 401
    assert client.get("/api/whoami", **_bearer(new)).status_code == 200


@pytest.mark.parametrize(("token", "allowed"), [
    (dict(role="ADMIN"), True), (dict(role="USER"), False),
    (dict(role="SERVICE", service="store_service"), True),
    (dict(role="SERVICE", service="order_service"), False),
])
def test_admin_or_named_callers(token, allowed):
    from rest_framework.test import APIRequestFactory

    from common.auth import JWTAuthentication, admin_or_service_callers

    request = APIRequestFactory().get("/", **auth_header(**token))
    request.user, _ = JWTAuthentication().authenticate(request)
    permission = admin_or_service_callers("store_service")()
    assert permission.has_permission(request, None) is allowed
