"""Login attempts throttled per email and client address; password changes per user."""

from common.limits import ClientRateThrottle, throttle_key


class LoginThrottle(ClientRateThrottle):
    scope = "login"

    def key_parts(self, request, view) -> list[str]:
        data = request.data if hasattr(request.data, "get") else {}
        return [str(data.get("email", ""))]


class PasswordChangeThrottle(ClientRateThrottle):
    """Guesses at the current password with a stolen access token are bounded too (at the
    login rate, per user wherever the guesses come from)."""

    scope = "login"

    def get_cache_key(self, request, view):
        return throttle_key("password_change", str(request.user.id))
