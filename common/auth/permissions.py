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


class _ServiceCallers(BasePermission):
    """A SERVICE token from one of `callers` (its `iss`); anything else is refused."""

    callers: frozenset[str] = frozenset()
    message = "This route accepts calls from named services only."

    def has_permission(self, request, view):
        return is_service(request.user) and getattr(request.user, "service", None) in self.callers


def service_callers(*names: str) -> type[BasePermission]:
    """A permission class accepting SERVICE tokens issued by the named services only:
    `permission_classes = [service_callers("order_service")]`."""
    if not names:
        raise ValueError("name at least one calling service")
    return type(f"ServiceCaller[{','.join(names)}]", (_ServiceCallers,),
                {"callers": frozenset(names)})


ServiceCaller = service_callers


def admin_or_service_callers(*names: str) -> type[BasePermission]:
    """ADMIN tokens, or SERVICE tokens from the named services."""
    callers = service_callers(*names)

    class _AdminOrCallers(BasePermission):
        def has_permission(self, request, view):
            return is_admin(request.user) or callers().has_permission(request, view)

    _AdminOrCallers.__name__ = f"AdminOr{callers.__name__}"
    return _AdminOrCallers
