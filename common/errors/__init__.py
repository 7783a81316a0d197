"""The error envelope: domain exceptions, the DRF exception handler and Django's handlers."""

from common.errors.envelope import error_body, error_response
from common.errors.exceptions import (
    Conflict,
    DomainError,
    PaymentDeclined,
    RuleViolation,
    UpstreamUnavailable,
)
from common.errors.handlers import (
    UnhandledExceptionMiddleware,
    bad_request,
    exception_handler,
    not_found,
    permission_denied,
    server_error,
)

__all__ = [
    "Conflict",
    "DomainError",
    "PaymentDeclined",
    "RuleViolation",
    "UnhandledExceptionMiddleware",
    "UpstreamUnavailable",
    "bad_request",
    "error_body",
    "error_response",
    "exception_handler",
    "not_found",
    "permission_denied",
    "server_error",
]
