"""Mint access tokens in tests, signed with the test process's own key set.

USER and ADMIN tokens are signed with user_service's user-token key, SERVICE tokens with the
key of the named calling service (`service=`, default `order_service`) for this service
(`audience=`, default the settings' SERVICE_NAME).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import jwt
from django.conf import settings

from common.auth.keys import SERVICE_KEY_FILE, USER_KEY_FILE, USER_TOKEN_ISSUER, load_signing_key
from common.auth.tokens import (
    issued_now,
    service_claims,
    service_principal_id,
    sign_token,
    verify_token,
)

DEFAULT_CALLER = "order_service"


def _key(owner: str, filename: str):
    return load_signing_key(str(Path(settings.JWT_KEYS_DIR) / owner / filename))


def _caller_named_by(user_id) -> str:
    """The service whose principal id is `user_id` (a SERVICE token's user_id names its
    caller), else the default caller."""
    for folder in Path(settings.JWT_KEYS_DIR).iterdir():
        if folder.is_dir() and str(service_principal_id(folder.name)) == str(user_id):
            return folder.name
    return DEFAULT_CALLER


def make_token(*, role: str = "USER", user_id=None, email: str | None = None,
               lifetime: timedelta | None = None, service: str | None = None,
               audience: str | None = None, **claims) -> str:
    """A signed access token; extra keyword arguments are added as claims (or replace them).

    A SERVICE token comes from `service` (or the service whose principal id `user_id` is,
    else `order_service`), for `audience` (default: this settings' SERVICE_NAME).
    """
    if role == "SERVICE":
        if service is None:
            service = DEFAULT_CALLER if user_id is None else _caller_named_by(user_id)
        seconds = 60 if lifetime is None else lifetime.total_seconds()
        body = service_claims(service=service, audience=audience or settings.SERVICE_NAME,
                              lifetime=seconds)
        if user_id is not None:
            body["user_id"] = str(user_id)
        return sign_token(claims={**body, **claims},
                          signing_key=_key(service, SERVICE_KEY_FILE))
    now = issued_now()
    lifetime = settings.ACCESS_TOKEN_LIFETIME if lifetime is None else lifetime
    user_id = str(user_id or uuid.uuid4())
    body = {"token_type": "access", "user_id": user_id,
            "email": email or f"{user_id[:8]}@example.com", "role": role,
            "iss": USER_TOKEN_ISSUER, "iat": now, "exp": int(now + lifetime.total_seconds()),
            "jti": uuid.uuid4().hex}
    return sign_token(claims={**body, **claims},
                      signing_key=_key(USER_TOKEN_ISSUER, USER_KEY_FILE))


def auth_header(**kwargs) -> dict[str, str]:
    """`{"HTTP_AUTHORIZATION": "Bearer …"}` for Django's and DRF's test clients."""
    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(**kwargs)}"}


def read_token(raw: str, *, audience: str | None = None) -> dict:
    """The claims of a token as the `audience` service (default: the one the token names)
    would check them; raises `TokenRefused` if it would refuse it."""
    if audience is None:
        audience = jwt.decode(raw, options={"verify_signature": False}).get("aud") or ""
    return verify_token(raw, audience=audience)


__all__ = ["DEFAULT_CALLER", "auth_header", "make_token", "read_token",
           "service_principal_id"]
