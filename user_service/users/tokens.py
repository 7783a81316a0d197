"""Access tokens for users, signed with user_service's user-token key; opaque refresh tokens."""

import hashlib
import secrets
import uuid

from django.conf import settings

from common.auth.keys import USER_TOKEN_ISSUER, load_public_keys, load_signing_key
from common.auth.keys import USER_TOKENS as USER_TOKEN_KEYS
from common.auth.tokens import issued_now, sign_token
from users.models import Session, User


def access_token_for(*, user: User, session: Session) -> str:
    """An access token with the contract's claims, and `sid` naming its session."""
    now = issued_now()
    claims = {
        "token_type": "access",
        "user_id": str(user.id),
        "email": user.email,
        "role": user.role,
        "iss": USER_TOKEN_ISSUER,
        "iat": now,
        "exp": int(now + settings.ACCESS_TOKEN_LIFETIME.total_seconds()),
        "jti": uuid.uuid4().hex,
        "sid": str(session.id),
    }
    return sign_token(claims=claims, signing_key=load_signing_key(settings.JWT_USER_PRIVATE_KEY))


def new_refresh_token() -> tuple[str, str]:
    """A random refresh token and the SHA-256 under which it is stored."""
    raw = secrets.token_urlsafe(32)
    return raw, refresh_token_hash(raw)


def refresh_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def user_token_jwks() -> dict:
    """The public keys of user tokens as a standard JWKS (what /.well-known/jwks.json serves)."""
    published = ("kty", "crv", "x", "kid", "alg", "use")
    return {"keys": [{name: key.jwk[name] for name in published}
                     for key in load_public_keys(settings.JWT_PUBLIC_KEYS).values()
                     if key.use_for == USER_TOKEN_KEYS and key.owner == USER_TOKEN_ISSUER]}
