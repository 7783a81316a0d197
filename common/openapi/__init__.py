"""OpenAPI helpers for drf-spectacular."""

from common.openapi.hooks import api_paths_only, error_envelope_default
from common.openapi.schemas import (
    ERROR_RESPONSES,
    AutoSchema,
    ErrorEnvelopeSerializer,
    paginated,
)

__all__ = [
    "ERROR_RESPONSES",
    "AutoSchema",
    "ErrorEnvelopeSerializer",
    "api_paths_only",
    "error_envelope_default",
    "paginated",
]
