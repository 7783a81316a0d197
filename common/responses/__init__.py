"""Responses shared by the services' APIs."""

from common.responses.idempotent import created_or_replayed

__all__ = ["created_or_replayed"]
