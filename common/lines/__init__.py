"""Order lines as every service receives them (`[{product_id, quantity}]`): merge and bounds."""

from common.lines.bounds import (
    MAX_LINES,
    MAX_QUANTITY,
    MIN_QUANTITY,
    LineItemSerializer,
    line_items_field,
    quantities_within_bounds,
)
from common.lines.merge import quantities_by_product

__all__ = [
    "MAX_LINES",
    "MAX_QUANTITY",
    "MIN_QUANTITY",
    "LineItemSerializer",
    "line_items_field",
    "quantities_by_product",
    "quantities_within_bounds",
]
