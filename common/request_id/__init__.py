"""Request ids: the context variable, the middleware that sets it and the header names."""

from common.request_id.context import current_request_id, is_valid_request_id, request_id_var
from common.request_id.middleware import REQUEST_ID_HEADER, RequestIdMiddleware

__all__ = [
    "REQUEST_ID_HEADER",
    "RequestIdMiddleware",
    "current_request_id",
    "is_valid_request_id",
    "request_id_var",
]
