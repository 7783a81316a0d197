"""OpenAPI helpers for drf-spectacular."""

from common.openapi.hooks import api_paths_only
from common.openapi.schemas import ERROR_RESPONSES, ErrorEnvelopeSerializer

__all__ = ["ERROR_RESPONSES", "ErrorEnvelopeSerializer", "api_paths_only"]
