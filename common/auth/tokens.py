"""Short-lived SERVICE tokens minted for calls between services."""

import uuid
from datetime import timedelta

from django.conf import settings
from rest_framework_simplejwt.tokens import AccessToken

from common.auth.roles import Role

_SERVICE_NAMESPACE = uuid.UUID("6f1c3a52-8d1e-4b7a-9a55-2f4e8a0c9d11")


def service_principal_id(service: str) -> uuid.UUID:
    return uuid.uuid5(_SERVICE_NAMESPACE, service)


def service_token(service: str | None = None) -> str:
    """An access token with role SERVICE naming the calling service."""
    service = service or settings.SERVICE_NAME
    token = AccessToken()
    token.set_exp(lifetime=timedelta(seconds=settings.SERVICE_TOKEN_SECONDS))
    token["user_id"] = str(service_principal_id(service))
    token["email"] = f"{service}@services.internal"
    token["role"] = Role.SERVICE.value
    return str(token)
