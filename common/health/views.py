"""Health endpoints: no authentication, no throttling."""

from django.conf import settings
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from common.health.checks import database_check


def _public_get(view):
    view = throttle_classes([])(permission_classes([AllowAny])(authentication_classes([])(view)))
    return api_view(["GET"])(view)


@_public_get
def healthz(request):
    """Liveness: the process answers; no database involved."""
    return Response({
        "status": "ok",
        "service": settings.SERVICE_NAME,
        "version": settings.SERVICE_VERSION,
    })


@_public_get
def readyz(request):
    """Readiness: the database answers."""
    checks = {"database": database_check()}
    healthy = all(value == "ok" for value in checks.values())
    return Response(
        {"status": "healthy" if healthy else "unhealthy", "checks": checks},
        status=200 if healthy else 503,
    )


health = readyz
