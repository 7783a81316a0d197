"""OpenAPI plumbing: the schema class, and the error envelope as a component."""

import functools
import re

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from common.pagination.limit_offset import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET


class AutoSchema(SpectacularAutoSchema):
    """Names a serializer nested in a view after both (`LoginApiInput`), so that the
    `InputSerializer`/`OutputSerializer` of every view get components of their own, and
    names each operation after its view and method (`user_detail_patch`), unique by design."""

    def get_operation_id(self):
        name = type(self.view).__name__.removesuffix("Api").removesuffix("View")
        return f"{_snake(name)}_{self.method.lower()}"

    def get_serializer_name(self, serializer, direction):
        name = super().get_serializer_name(serializer, direction)
        qualname = type(serializer).__qualname__
        if "." in qualname and "<locals>" not in qualname:
            outer = "".join(part for part in qualname.split(".")[:-1])
            return f"{outer}{name}"
        return name


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.JSONField(allow_null=True)
    request_id = serializers.CharField(allow_null=True)
    reason = serializers.CharField(required=False,
                                   help_text="Why the domain refused, when it names it "
                                             "(snake_case, stable).")


class ErrorEnvelopeSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


class PageQuerySerializer(serializers.Serializer):
    """`?limit=&offset=` of every list, for the OpenAPI document (`parameters=[...]`)."""

    limit = serializers.IntegerField(required=False, min_value=0,
                                     help_text=f"Default {DEFAULT_LIMIT}, capped at {MAX_LIMIT}.")
    offset = serializers.IntegerField(required=False, min_value=0, max_value=MAX_OFFSET)


@functools.cache
def paginated(serializer_class: type[serializers.Serializer]) -> serializers.Serializer:
    """The `{count, limit, offset, results}` page of `serializer_class`, for a list's 200
    (one component per serializer, however many lists return it)."""
    name = serializer_class.__qualname__.replace(".", "").removesuffix("Serializer")
    return inline_serializer(f"Paginated{name}", {
        "count": serializers.IntegerField(),
        "limit": serializers.IntegerField(),
        "offset": serializers.IntegerField(),
        "results": serializer_class(many=True),
    })


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorEnvelopeSerializer, description=description)


ERROR_RESPONSES = {
    400: _error("Invalid input"),
    401: _error("Not authenticated"),
    403: _error("Not allowed"),
    404: _error("Not found"),
    402: _error("Payment declined (`payment_declined`, with the decline's `reason`)"),
    409: _error("Conflict"),
    429: _error("Too many requests"),
    503: _error("A dependency is unavailable"),
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """The documented error envelope for each status code, for `@extend_schema(responses=…)`."""
    return {code: ERROR_RESPONSES[code] for code in codes}
