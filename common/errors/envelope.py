"""Build the contract's error envelope."""

from typing import Any

from django.http import JsonResponse

from common.request_id.context import current_request_id


def error_body(status: int, code: str, message: str, details: Any = None,
               reason: str | None = None) -> dict[str, Any]:
    """The envelope; `reason` (the business rule that refused the request) only when known."""
    error = {
        "status": status,
        "code": code,
        "message": message,
        "details": details,
        "request_id": current_request_id(),
    }
    if reason:
        error["reason"] = reason
    return {"error": error}


def error_response(status: int, code: str, message: str, details: Any = None,
                   reason: str | None = None) -> JsonResponse:
    return JsonResponse(error_body(status, code, message, details, reason), status=status)
