"""Mint access tokens in tests, the way user_service would."""

import uuid
from datetime import timedelta

from rest_framework_simplejwt.tokens import AccessToken


def make_token(*, role: str = "USER", user_id=None, email: str | None = None,
               lifetime: timedelta | None = None) -> str:
    token = AccessToken()
    if lifetime is not None:
        token.set_exp(lifetime=lifetime)
    token["user_id"] = str(user_id or uuid.uuid4())
    token["email"] = email or f"{str(token['user_id'])[:8]}@example.com"
    token["role"] = role
    return str(token)


def auth_header(**kwargs) -> dict[str, str]:
    """`{"HTTP_AUTHORIZATION": "Bearer …"}` for Django's and DRF's test clients."""
    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(**kwargs)}"}
