"""The typed refusal of a call between services, read from the contract's error envelope.

A partner's 4xx answer carries `{"error": {"status", "code", "message", "details", "reason"?}}`.
Callers branch on `status`, `code` and `reason` and pass `details` on; the human-readable
`message` is for people and is never read by another service.
"""

from __future__ import annotations

from typing import Any


class UpstreamRefused(Exception):
    """Another service refused the call with a 4xx answer in the contract's error envelope."""

    def __init__(self, service: str, status: int, code: str | None = None,
                 reason: str | None = None, details: Any = None):
        self.service = service
        self.status = status
        self.code = code
        self.reason = reason
        self.details = details
        super().__init__(self.describe())

    def describe(self) -> str:
        """`<service> refused: HTTP <status> <code> (<reason>) <details>`, for logs and for
        the text a caller keeps (a purchase's `failure_reason`)."""
        text = f"{self.service} refused: HTTP {self.status}"
        if self.code:
            text += f" {self.code}"
        if self.reason:
            text += f" ({self.reason})"
        if self.details:
            text += f" {self.details}"
        return text[:1000]

    @classmethod
    def from_body(cls, service: str, status: int, body: Any) -> UpstreamRefused | None:
        """The refusal an envelope describes, or None when `body` is not an error envelope."""
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return None
        code, reason = error.get("code"), error.get("reason")
        return cls(service, status,
                   code=code if isinstance(code, str) else None,
                   reason=reason if isinstance(reason, str) else None,
                   details=error.get("details"))
