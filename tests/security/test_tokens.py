"""Forged tokens against every running service: only user_service's user-token key can make a
USER or ADMIN token, and a SERVICE token is accepted only from the callers a route names."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import jwt
import pytest
import requests
from django.conf import settings

from common.auth.keys import load_signing_key
from common.services import SERVICE_PORTS
from common.testing import make_token

pytestmark = pytest.mark.e2e

# One route per service that needs an ADMIN (or at least a valid) token.
GUARDED = {
    "user_service": ("GET", "/api/users"),
    "product_service": ("POST", "/api/products"),
    "order_service": ("GET", "/api/orders"),
    "store_service": ("GET", "/api/vouchers"),
    "supplier_service": ("GET", "/api/info/SP"),
    "carrier_service": ("GET", f"/api/delivery/{uuid.uuid4()}"),
    "payment_service": ("GET", "/api/payments"),
    "notification_service": ("GET", "/api/notifications"),
}


def _admin_claims(issuer: str) -> dict:
    now = int(time.time())
    return {"token_type": "access", "user_id": str(uuid.uuid4()), "email": "mallory@example.com",
            "role": "ADMIN", "iss": issuer, "iat": now, "exp": now + 600,
            "jti": uuid.uuid4().hex}


def _signed_by(service: str, claims: dict) -> str:
    key = load_signing_key(str(Path(settings.JWT_KEYS_DIR) / service / "private.pem"))
    return jwt.encode(claims, key.key, algorithm="EdDSA", headers={"kid": key.kid})


def _call(platform, service: str, token: str) -> requests.Response:
    method, path = GUARDED[service]
    return requests.request(method, f"{platform.url(service)}{path}", json={}, timeout=10,
                            headers={"Authorization": f"Bearer {token}"})


def _forgeries() -> list:
    signers = [name for name in SERVICE_PORTS if name != "user_service"]
    cases = [pytest.param(("service-key", signer, issuer), id=f"{signer}-key-as-{issuer}")
             for signer in signers for issuer in ("user_service", signer)]
    cases.append(pytest.param(("hs256", None, None), id="old-shared-hs256-scheme"))
    return cases


@pytest.mark.parametrize("forgery", _forgeries())
def test_an_admin_token_signed_with_any_other_key_is_401_at_every_service(platform, forgery):
    kind, signer, issuer = forgery
    if kind == "hs256":
        token = jwt.encode(_admin_claims("user_service"),
                           "compose-example-jwt-signing-key-change-me", algorithm="HS256")
    else:
        token = _signed_by(signer, _admin_claims(issuer))
    answers = {service: _call(platform, service, token) for service in GUARDED}
    assert {service: r.status_code for service, r in answers.items()} == {
        service: 401 for service in GUARDED}
    assert {r.json()["error"]["code"] for r in answers.values()} == {"authentication_failed"}


def test_the_real_admin_token_passes_the_same_routes(platform):
    admin_token = platform.fresh_admin_token()
    answers = {service: _call(platform, service, admin_token).status_code
               for service in GUARDED if service not in ("supplier_service", "carrier_service")}
    assert 401 not in answers.values(), answers


def test_a_service_token_from_the_carrier_cannot_reserve_stock(platform):
    url = f"{platform.url('product_service')}/api/products/reservations"
    body = {"reference": f"sec-{uuid.uuid4()}", "items": []}
    carrier = make_token(role="SERVICE", service="carrier_service", audience="product_service")
    refused = requests.post(url, json=body, timeout=10,
                            headers={"Authorization": f"Bearer {carrier}"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    orders = make_token(role="SERVICE", service="order_service", audience="product_service")
    allowed = requests.post(url, json=body, timeout=10,
                            headers={"Authorization": f"Bearer {orders}"})
    assert allowed.status_code not in (401, 403)


def test_a_service_token_meant_for_another_service_is_401(platform):
    token = make_token(role="SERVICE", service="order_service", audience="user_service")
    response = requests.post(f"{platform.url('product_service')}/api/products/reservations",
                             json={}, timeout=10, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_jwks_serves_the_user_token_keys_through_the_gateway(platform):
    keys = requests.get(f"{platform.gateway}/.well-known/jwks.json", timeout=10).json()["keys"]
    admin_token = platform.fresh_admin_token()
    kid = jwt.get_unverified_header(admin_token)["kid"]
    key = next(k for k in keys if k["kid"] == kid)
    claims = jwt.decode(admin_token, jwt.PyJWK(key).key, algorithms=["EdDSA"])
    assert claims["role"] == "ADMIN"
