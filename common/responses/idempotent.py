"""The answer of an idempotent create: 201 the first time, 200 with the same body on a replay."""

from rest_framework import status
from rest_framework.response import Response


def created_or_replayed(body, *, created: bool) -> Response:
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
