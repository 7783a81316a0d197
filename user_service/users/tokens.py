"""Issue access and refresh tokens carrying the contract's claims."""

from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from users.models import User


def _with_claims(token, user: User):
    token["email"] = user.email
    token["role"] = user.role
    return token


def tokens_for_user(*, user: User) -> dict[str, str]:
    refresh = _with_claims(RefreshToken.for_user(user), user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def refresh_token_user_id(*, raw_refresh: str) -> str | None:
    """The user id in a valid refresh token, or None."""
    try:
        return RefreshToken(raw_refresh)["user_id"]
    except (TokenError, KeyError):
        return None


def access_token_for_user(*, user: User) -> str:
    return str(_with_claims(RefreshToken.for_user(user).access_token, user))
