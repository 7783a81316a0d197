"""Permission classes by role, and self-or-ADMIN by object owner."""

from rest_framework.permissions import BasePermission

from common.auth.roles import Role


def _role(user) -> str | None:
    return getattr(user, "role", None) if user is not None else None


def is_admin(user) -> bool:
    return _role(user) == Role.ADMIN


def is_service(user) -> bool:
    return _role(user) == Role.SERVICE


class _RolePermission(BasePermission):
    roles: tuple[str, ...] = ()

    def has_permission(self, request, view):
        return _role(request.user) in self.roles


class IsAdmin(_RolePermission):
    roles = (Role.ADMIN,)


class IsService(_RolePermission):
    roles = (Role.SERVICE,)


class IsAdminOrService(_RolePermission):
    roles = (Role.ADMIN, Role.SERVICE)


class IsSelfOrAdmin(BasePermission):
    """The object's owner (`view.owner_field`, default `user_id`) or an ADMIN."""

    def has_permission(self, request, view):
        return request.user is not None and getattr(request.user, "is_authenticated", False)

    def has_object_permission(self, request, view, obj):
        if is_admin(request.user):
            return True
        owner = getattr(obj, getattr(view, "owner_field", "user_id"), None)
        return str(owner) == str(request.user.id)
