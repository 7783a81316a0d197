"""Login attempts throttled per email and client address."""

from rest_framework.throttling import SimpleRateThrottle


class LoginThrottle(SimpleRateThrottle):
    scope = "login"

    def get_cache_key(self, request, view):
        email = str(request.data.get("email", "")).strip().lower() if hasattr(
            request.data, "get") else ""
        return self.cache_format % {"scope": self.scope, "ident": f"{email}|{self.get_ident(request)}"}
