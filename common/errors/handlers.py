"""Turn every error, DRF's and Django's, into the contract's envelope."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors.envelope import error_body, error_response

logger = logging.getLogger("common.errors")

_CODES_BY_CLASS = (
    (exceptions.ValidationError, "validation_error"),
    (exceptions.ParseError, "parse_error"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "authentication_failed"),
    (exceptions.PermissionDenied, "permission_denied"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
)
_CODES_BY_STATUS = {
    400: "validation_error", 401: "authentication_failed", 402: "payment_declined",
    403: "permission_denied", 404: "not_found", 405: "method_not_allowed", 409: "conflict",
    415: "unsupported_media_type", 429: "throttled", 502: "upstream_unavailable",
    503: "upstream_unavailable", 504: "upstream_unavailable",
}
INTERNAL_MESSAGE = "An unexpected error occurred. Quote the request id when reporting it."


def _code_for(exc: exceptions.APIException) -> str:
    for cls, code in _CODES_BY_CLASS:
        if isinstance(exc, cls):
            return code
    default = getattr(exc, "default_code", "")
    if default in _CODES_BY_STATUS.values():
        return default
    return _CODES_BY_STATUS.get(exc.status_code, "error")


def _message_and_details(exc: exceptions.APIException, code: str):
    detail = exc.detail
    if code == "validation_error":
        if isinstance(detail, list):
            detail = {"non_field_errors": detail}
        return "Invalid input.", detail
    details = getattr(exc, "details", None)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        details = {"retry_after": int(exc.wait)}
    if isinstance(detail, list | dict):
        return str(exc.default_detail), detail
    return str(detail), details


def exception_handler(exc, context):
    """DRF exception handler answering the envelope; unknown exceptions become a logged 500."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.error("Unhandled exception", exc_info=(type(exc), exc, exc.__traceback__))
        return error_response(500, "internal_error", INTERNAL_MESSAGE)
    code = _code_for(exc)
    message, details = _message_and_details(exc, code)
    response.data = error_body(response.status_code, code, message, details,
                               getattr(exc, "reason", None))
    return response


class UnhandledExceptionMiddleware:
    """Catches exceptions from non-DRF views so even those answer the envelope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return not_found(request, exception)
        if isinstance(exception, DjangoPermissionDenied):
            return permission_denied(request, exception)
        logger.error("Unhandled exception", exc_info=exception)
        return error_response(500, "internal_error", INTERNAL_MESSAGE)


@csrf_exempt
def not_found(request, exception=None, **kwargs):
    return error_response(404, "not_found", "Not found.")


def bad_request(request, exception=None):
    return error_response(400, "validation_error", "Bad request.")


def permission_denied(request, exception=None):
    return error_response(403, "permission_denied",
                          "You do not have permission to perform this action.")


def server_error(request):
    return error_response(500, "internal_error", INTERNAL_MESSAGE)
