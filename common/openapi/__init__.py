"""OpenAPI helpers for drf-spectacular."""

from common.openapi.hooks import api_paths_only, error_envelope_default
from common.openapi.schemas import (
    AutoSchema,
    ErrorEnvelopeSerializer,
    PageQuerySerializer,
    error_responses,
    paginated,
)

__all__ = [
    "AutoSchema",
    "ErrorEnvelopeSerializer",
    "PageQuerySerializer",
    "api_paths_only",
    "error_envelope_default",
    "error_responses",
    "paginated",
]
