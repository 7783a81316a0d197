"""Health endpoints: no authentication, no throttling."""

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from common.health.checks import database_check

_LIVENESS = inline_serializer("Liveness", {
    "status": serializers.CharField(), "service": serializers.CharField(),
    "version": serializers.CharField()})
_READINESS = inline_serializer("Readiness", {
    "status": serializers.ChoiceField(choices=["healthy", "unhealthy"]),
    "checks": serializers.DictField(child=serializers.CharField())})


def _public_get(responses):
    def decorate(view):
        view = throttle_classes([])(permission_classes([AllowAny])(view))
        view = api_view(["GET"])(authentication_classes([])(view))
        return extend_schema(responses=responses, tags=["health"])(view)
    return decorate


@_public_get({200: _LIVENESS})
def healthz(request):
    """Liveness: the process answers; no database involved."""
    return Response({
        "status": "ok",
        "service": settings.SERVICE_NAME,
        "version": settings.SERVICE_VERSION,
    })


def _readiness() -> Response:
    checks = {"database": database_check()}
    healthy = all(value == "ok" for value in checks.values())
    return Response(
        {"status": "healthy" if healthy else "unhealthy", "checks": checks},
        status=200 if healthy else 503,
    )


@_public_get({200: _READINESS, 503: _READINESS})
def readyz(request):
    """Readiness: the database answers."""
    return _readiness()


@_public_get({200: _READINESS, 503: _READINESS})
def health(request):
    """Readiness under the name older clients use."""
    return _readiness()
