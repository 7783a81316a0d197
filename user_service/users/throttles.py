"""Login attempts throttled per email and client address; password changes per user."""

from rest_framework.throttling import SimpleRateThrottle


class LoginThrottle(SimpleRateThrottle):
    scope = "login"

    def get_cache_key(self, request, view):
        data = request.data if hasattr(request.data, "get") else {}
        email = str(data.get("email", "")).strip().lower()
        ident = f"{email}|{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PasswordChangeThrottle(SimpleRateThrottle):
    """Guesses at the current password with a stolen access token are bounded too."""

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": "password", "ident": str(request.user.id)}
