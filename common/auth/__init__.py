"""Stateless JWT authentication, roles, permission classes and service tokens."""

from common.auth.authentication import JWTAuthentication, Principal
from common.auth.permissions import (
    IsAdmin,
    IsAdminOrService,
    IsSelfOrAdmin,
    IsService,
    is_admin,
    is_service,
)
from common.auth.roles import ROLES, Role
from common.auth.tokens import service_principal_id, service_token

__all__ = [
    "ROLES",
    "IsAdmin",
    "IsAdminOrService",
    "IsSelfOrAdmin",
    "IsService",
    "JWTAuthentication",
    "Principal",
    "Role",
    "is_admin",
    "is_service",
    "service_principal_id",
    "service_token",
]
