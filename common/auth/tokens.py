"""Access tokens: signing with a private key, checking with the public key set by `kid`.

USER and ADMIN tokens are signed by user_service's user-token key only. SERVICE tokens are
signed by the calling service's own key: `iss` names it, `aud` names the service called, and
they live at most `SERVICE_TOKEN_MAX_SECONDS`. A token is checked against the one public key
its `kid` names, and that key's owner and use decide which claims it may carry, so a key of
the carrier can sign neither an ADMIN token nor a SERVICE token in the order service's name.
"""

from __future__ import annotations

import threading
import time
import uuid

import jwt
from django.conf import settings

from common.auth.keys import (
    ALGORITHM,
    SERVICE_TOKENS,
    USER_TOKEN_ISSUER,
    USER_TOKENS,
    SigningKey,
    load_public_keys,
    load_signing_key,
)
from common.auth.roles import Role

_SERVICE_NAMESPACE = uuid.UUID("6f1c3a52-8d1e-4b7a-9a55-2f4e8a0c9d11")
SERVICE_TOKEN_MAX_SECONDS = 60
USER_ROLES = frozenset({Role.USER.value, Role.ADMIN.value})


class TokenRefused(Exception):
    """The token is malformed, expired, signed by an unknown key or claims what its key may not."""


def service_principal_id(service: str) -> uuid.UUID:
    return uuid.uuid5(_SERVICE_NAMESPACE, service)


def sign_token(*, claims: dict, signing_key: SigningKey) -> str:
    return jwt.encode(claims, signing_key.key, algorithm=ALGORITHM,
                      headers={"kid": signing_key.kid})


def issued_now() -> float:
    """`iat` with millisecond precision, so a token made in the second after a revocation
    is told apart from one made before it (RFC 7519 allows a non-integer NumericDate)."""
    return round(time.time(), 3)


def service_claims(*, service: str, audience: str, lifetime: float) -> dict:
    now = issued_now()
    return {
        "token_type": "access",
        "user_id": str(service_principal_id(service)),
        "email": f"{service}@services.internal",
        "role": Role.SERVICE.value,
        "iss": service,
        "aud": audience,
        "iat": now,
        "exp": int(now + lifetime),
        "jti": uuid.uuid4().hex,
    }


_minted: dict[str, tuple[float, str]] = {}
_minted_lock = threading.Lock()


def service_token(*, audience: str) -> str:
    """A SERVICE token of this service (`iss`) for `audience`, reused while it has more than
    half of its lifetime left (signing costs more than the dictionary look-up)."""
    now = time.time()
    with _minted_lock:
        cached = _minted.get(audience)
        if cached and cached[0] > now:
            return cached[1]
    lifetime = min(settings.SERVICE_TOKEN_SECONDS, SERVICE_TOKEN_MAX_SECONDS)
    token = sign_token(
        claims=service_claims(service=settings.SERVICE_NAME, audience=audience,
                              lifetime=lifetime),
        signing_key=load_signing_key(settings.JWT_PRIVATE_KEY))
    with _minted_lock:
        _minted[audience] = (now + lifetime / 2, token)
    return token


def forget_minted_tokens() -> None:
    with _minted_lock:
        _minted.clear()


def _decode(raw: str, key, *, audience: str | None, issuer: str, required: list[str]) -> dict:
    return jwt.decode(raw, key, algorithms=[ALGORITHM], audience=audience, issuer=issuer,
                      leeway=settings.JWT_LEEWAY_SECONDS,
                      options={"require": required, "verify_aud": audience is not None})


def verify_token(raw: str, *, audience: str) -> dict:
    """The claims of a valid access token for this service, or `TokenRefused`."""
    try:
        header = jwt.get_unverified_header(raw)
        if header.get("alg") != ALGORITHM:
            raise TokenRefused("Token is not signed with an accepted algorithm.")
        key = load_public_keys(settings.JWT_PUBLIC_KEYS).get(str(header.get("kid")))
        if key is None:
            raise TokenRefused("Token is signed by an unknown key.")
        if key.use_for == USER_TOKENS and key.owner == USER_TOKEN_ISSUER:
            claims = _decode(raw, key.key, audience=None, issuer=USER_TOKEN_ISSUER,
                             required=["exp", "iat", "jti", "iss", "user_id", "role"])
            if "aud" in claims or claims.get("role") not in USER_ROLES:
                raise TokenRefused("Token claims a role its key may not sign.")
        elif key.use_for == SERVICE_TOKENS:
            claims = _decode(raw, key.key, audience=audience, issuer=key.owner,
                             required=["exp", "iat", "jti", "iss", "aud", "user_id", "role"])
            if claims.get("role") != Role.SERVICE.value:
                raise TokenRefused("Token claims a role its key may not sign.")
            if str(claims.get("user_id")) != str(service_principal_id(key.owner)):
                raise TokenRefused("Token names another principal than its issuer.")
            if float(claims["exp"]) - float(claims["iat"]) > SERVICE_TOKEN_MAX_SECONDS:
                raise TokenRefused("Service token lives longer than allowed.")
        else:
            raise TokenRefused("Token is signed by a key that may not sign access tokens.")
    except jwt.PyJWTError as exc:
        raise TokenRefused(f"Token is invalid: {exc}") from exc
    except (TypeError, ValueError) as exc:
        raise TokenRefused("Token is malformed.") from exc
    if claims.get("token_type") != "access":
        raise TokenRefused("Token is not an access token.")
    return claims
