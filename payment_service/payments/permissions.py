"""Who may call payment_service: the store's SERVICE tokens, and ADMIN where the contract says."""

from rest_framework.permissions import BasePermission

from common.auth import is_service, service_principal_id

STORE = "store_service"


class IsStoreService(BasePermission):
    """A SERVICE token minted by store_service; any other service's token is refused."""

    message = "Only store_service may call this route."

    def has_permission(self, request, view):
        return (is_service(request.user)
                and str(request.user.id) == str(service_principal_id(STORE)))
