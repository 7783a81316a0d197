"""Domain exceptions shared by every service."""

from rest_framework import status
from rest_framework.exceptions import APIException


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the current state of the resource."

    def __init__(self, detail=None, code=None, details=None):
        super().__init__(detail, code)
        self.details = details


class UpstreamUnavailable(APIException):
    """A service this one depends on failed, timed out or could not be reached."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "upstream_unavailable"
    default_detail = "A service this one depends on is unavailable. Try again later."

    def __init__(self, detail=None, *, service: str | None = None):
        super().__init__(detail)
        self.service = service
