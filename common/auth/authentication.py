"""Bearer access tokens, checked locally with public keys; no call to user_service per request."""

from __future__ import annotations

import uuid

from django.conf import settings
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from common.auth.revocations import token_revoked
from common.auth.roles import Role
from common.auth.tokens import TokenRefused, verify_token

AUTH_HEADER_TYPE = "Bearer"


class VerifiedToken(dict):
    """The claims of a checked token; `str()` gives the token as it was sent."""

    def __init__(self, claims: dict, raw: str):
        super().__init__(claims)
        self.raw = raw

    def __str__(self) -> str:
        return self.raw


class Principal:
    """The caller as its token describes it: id, email and role."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False

    def __init__(self, token: VerifiedToken):
        self.token = token
        self.id = uuid.UUID(str(token["user_id"]))
        self.pk = self.id

    @property
    def email(self) -> str:
        return self.token.get("email", "")

    @property
    def role(self) -> str:
        return self.token.get("role", Role.USER)

    @property
    def service(self) -> str | None:
        """The calling service's name for a SERVICE token, else None."""
        return self.token.get("iss") if self.role == Role.SERVICE else None

    @property
    def is_staff(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def raw_token(self) -> str:
        return str(self.token)

    def __str__(self) -> str:
        return f"{self.role} {self.id}"


class JWTAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`: signature by `kid`, claims, and the revocation list."""

    www_authenticate_realm = "api"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        parts = header.split()
        if not parts or parts[0] != AUTH_HEADER_TYPE:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Authorization header must contain two space-delimited "
                                       "values.", code="bad_authorization_header")
        try:
            claims = verify_token(parts[1], audience=settings.SERVICE_NAME)
            token = VerifiedToken(claims, parts[1])
            principal = Principal(token)
        except (TokenRefused, ValueError) as exc:
            raise AuthenticationFailed("Given token not valid for any token type.",
                                       code="token_not_valid") from exc
        if principal.role != Role.SERVICE and token_revoked(claims):
            raise AuthenticationFailed("This session has ended; sign in again.",
                                       code="token_revoked")
        return principal, token

    def authenticate_header(self, request) -> str:
        return f'{AUTH_HEADER_TYPE} realm="{self.www_authenticate_realm}"'
