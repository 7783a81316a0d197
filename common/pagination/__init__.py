"""Limit/offset pagination per the contract: default 20, capped at 100, 400 on bad values."""

from common.pagination.limit_offset import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_OFFSET,
    LimitOffsetPagination,
    paginated_response,
    parse_page_params,
)

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "MAX_OFFSET", "LimitOffsetPagination",
           "paginated_response", "parse_page_params"]
