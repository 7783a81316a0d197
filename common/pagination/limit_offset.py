"""`?limit=&offset=` answering `{count, limit, offset, results}`; `paginated_response` is a
list view's whole answer."""

from django.db.models import Count, QuerySet, Window
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000_000  # far past any list, and within every database's integer range


def _non_negative_int(params, name: str, default: int, maximum: int | None = None) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({name: ["A non-negative integer is required."]}) from None
    if value < 0:
        raise ValidationError({name: ["A non-negative integer is required."]})
    if maximum is not None and value > maximum:
        raise ValidationError({name: [f"Ensure this value is less than or equal to {maximum}."]})
    return value


def parse_page_params(params) -> tuple[int, int]:
    """Validated (limit, offset) from query parameters; limit capped at MAX_LIMIT."""
    limit = min(_non_negative_int(params, "limit", DEFAULT_LIMIT), MAX_LIMIT)
    offset = _non_negative_int(params, "offset", 0, MAX_OFFSET)
    return limit, offset


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    def paginate_queryset(self, queryset, request, view=None):
        self.limit, self.offset = parse_page_params(request.query_params)
        self.request = request
        window = slice(self.offset, self.offset + self.limit)
        if not isinstance(queryset, QuerySet) or queryset.query.distinct:
            # A list, or a DISTINCT query (SQL counts a window before DISTINCT applies).
            self.count = self.get_count(queryset)
            return list(queryset[window])
        # One query for the page and the total (COUNT(*) OVER ()); a separate count only
        # when the page is empty and so carries no total.
        page = list(queryset.annotate(page_total=Window(Count("*")))[window]) if self.limit else []
        if page:
            self.count = page[0].page_total
        else:
            self.count = 0 if self.offset == 0 and self.limit else queryset.count()
        return page

    def get_paginated_response(self, data):
        return Response({
            "count": self.count,
            "limit": self.limit,
            "offset": self.offset,
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "limit", "offset", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "limit": {"type": "integer", "example": DEFAULT_LIMIT},
                "offset": {"type": "integer", "example": 0},
                "results": schema,
            },
        }


def paginated_response(request, rows, serializer_class) -> Response:
    """The page of `rows` (a queryset or a list) that the request's `?limit=&offset=` asks for,
    each row through `serializer_class`, as `{count, limit, offset, results}`."""
    paginator = LimitOffsetPagination()
    page = paginator.paginate_queryset(rows, request)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)
