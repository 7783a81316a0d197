"""The error envelope: domain exceptions, the DRF exception handler and Django's handlers; the
400 for a value another row already has in any case."""

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
from common.errors.uniqueness import atomic_refusing_duplicate, refuse_duplicate

__all__ = [
    "Conflict",
    "DomainError",
    "PaymentDeclined",
    "RuleViolation",
    "UnhandledExceptionMiddleware",
    "UpstreamUnavailable",
    "atomic_refusing_duplicate",
    "bad_request",
    "error_body",
    "error_response",
    "exception_handler",
    "not_found",
    "permission_denied",
    "refuse_duplicate",
    "server_error",
]
