"""Request limits in front of every view: body size (413), NUL bytes in the path (404) or
query (400), and throttled Django admin sign-ins (429), each answered with the envelope."""

from __future__ import annotations

from django.conf import settings

from common.errors.envelope import error_response
from common.limits.throttling import ClientRateThrottle

TOO_LARGE = "The request body is larger than {limit} bytes."


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            return error_response(404, "not_found", "Not found.")
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            return error_response(400, "validation_error", "Invalid input.",
                                  {"query": ["Query parameters may not contain NUL characters."]})
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(400, "parse_error", "Content-Length is not a number.")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return error_response(413, "payload_too_large", TOO_LARGE.format(limit=limit),
                                  {"max_bytes": limit})
        return self.get_response(request)


class AdminLoginThrottle(ClientRateThrottle):
    scope = "admin_login"


class AdminLoginThrottleMiddleware:
    """Sign-in attempts on the Django admin, per client address, at ADMIN_LOGIN_THROTTLE_RATE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path_info.rstrip("/") == "/admin/login":
            throttle = AdminLoginThrottle()
            if not throttle.allow_request(request, None):
                wait = throttle.wait()
                return error_response(429, "throttled", "Too many sign-in attempts.",
                                      {"retry_after": int(wait or 0)})
        return self.get_response(request)
