"""The error envelope as an OpenAPI component, for `extend_schema(responses=...)`."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.JSONField(allow_null=True)
    request_id = serializers.CharField(allow_null=True)


class ErrorEnvelopeSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorEnvelopeSerializer, description=description)


ERROR_RESPONSES = {
    400: _error("Invalid input"),
    401: _error("Not authenticated"),
    403: _error("Not allowed"),
    404: _error("Not found"),
    409: _error("Conflict"),
    503: _error("A dependency is unavailable"),
}
