"""OpenAPI helpers for drf-spectacular."""

from common.openapi.hooks import api_paths_only, error_envelope_default
from common.openapi.schemas import (
    ERROR_RESPONSES,
    AutoSchema,
    ErrorEnvelopeSerializer,
    PageQuerySerializer,
    paginated,
)

__all__ = [
    "ERROR_RESPONSES",
    "AutoSchema",
    "ErrorEnvelopeSerializer",
    "PageQuerySerializer",
    "api_paths_only",
    "error_envelope_default",
    "paginated",
]
