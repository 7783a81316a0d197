"""JWT authentication with public keys, roles, permission classes and service tokens."""

from common.auth.authentication import JWTAuthentication, Principal
from common.auth.permissions import (
    IsAdmin,
    IsAdminOrService,
    IsSelfOrAdmin,
    IsService,
    ServiceCaller,
    admin_or_service_callers,
    is_admin,
    is_service,
    service_callers,
)
from common.auth.roles import ROLES, Role
from common.auth.tokens import TokenRefused, service_principal_id, service_token, verify_token

__all__ = [
    "ROLES",
    "IsAdmin",
    "IsAdminOrService",
    "IsSelfOrAdmin",
    "IsService",
    "JWTAuthentication",
    "Principal",
    "Role",
    "ServiceCaller",
    "TokenRefused",
    "admin_or_service_callers",
    "is_admin",
    "is_service",
    "service_callers",
    "service_principal_id",
    "service_token",
    "verify_token",
]
