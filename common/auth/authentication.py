"""Validate access tokens locally with the signing key; no call to user_service."""

import uuid

from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.models import TokenUser

from common.auth.roles import ROLES, Role


class Principal(TokenUser):
    """The caller as the token describes it: id, email and role."""

    @property
    def id(self) -> uuid.UUID:
        return uuid.UUID(str(self.token["user_id"]))

    @property
    def pk(self) -> uuid.UUID:
        return self.id

    @property
    def email(self) -> str:
        return self.token.get("email", "")

    @property
    def role(self) -> str:
        return self.token.get("role", Role.USER)

    @property
    def is_staff(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_superuser(self) -> bool:
        return False

    @property
    def raw_token(self) -> str:
        return str(self.token)


class JWTAuthentication(JWTStatelessUserAuthentication):
    """Bearer access tokens issued by user_service, checked for the contract's claims."""

    def __init__(self):
        """Nothing to set up. simplejwt's own __init__ looks up the user model, on every
        request, for a user table this stateless check never reads."""

    def get_user(self, validated_token):
        try:
            uuid.UUID(str(validated_token["user_id"]))
        except (KeyError, ValueError) as exc:
            raise InvalidToken("Token has no valid user id.") from exc
        if validated_token.get("role") not in ROLES:
            raise InvalidToken("Token has no valid role.")
        return Principal(validated_token)
