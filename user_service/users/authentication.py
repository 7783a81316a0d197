"""user_service checks its own sessions on every request: a signed-out, revoked or expired
session, or a deactivated user, ends its access tokens at once (no event needed here)."""

from rest_framework.exceptions import AuthenticationFailed

from common.auth import JWTAuthentication, Role
from users.selectors import session_is_open


class SessionJWTAuthentication(JWTAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        principal, token = result
        if principal.role != Role.SERVICE and "sid" in token and not session_is_open(
                session_id=token["sid"], user_id=principal.id):
            raise AuthenticationFailed("This session has ended; sign in again.",
                                       code="token_revoked")
        return result
