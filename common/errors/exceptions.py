"""Domain exceptions shared by every service."""

from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError


class DomainError(APIException):
    """A refusal by a business rule: `details` for the envelope, `reason` naming the rule.

    `reason` is one of the stable machine codes documented in docs/api.md; clients and other
    services branch on it, never on the message.
    """

    reason: str | None = None

    def __init__(self, detail=None, code=None, details=None, reason: str | None = None):
        super().__init__(detail, code)
        self.details = details
        if reason is not None:
            self.reason = reason


class RuleViolation(ValidationError):
    """A 400 `validation_error` naming the field (`details`) and the business rule (`reason`)."""

    def __init__(self, detail, *, reason: str):
        super().__init__(detail)
        self.reason = reason


class Conflict(DomainError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the current state of the resource."


class PaymentDeclined(DomainError):
    status_code = status.HTTP_402_PAYMENT_REQUIRED
    default_code = "payment_declined"
    default_detail = "The payment was declined."


class UpstreamUnavailable(APIException):
    """A service this one depends on failed, timed out or could not be reached."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "upstream_unavailable"
    default_detail = "A service this one depends on is unavailable. Try again later."

    def __init__(self, detail=None, *, service: str | None = None):
        super().__init__(detail)
        self.service = service
