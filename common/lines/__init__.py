"""Order lines as every service receives them (`[{product_id, quantity}]`): merge, bounds, and
the constraints of a table of lines."""

from common.lines.bounds import (
    MAX_LINES,
    MAX_QUANTITY,
    MIN_QUANTITY,
    LineItemSerializer,
    line_items_field,
    quantities_within_bounds,
)
from common.lines.constraints import product_line_constraints
from common.lines.merge import quantities_by_product

__all__ = [
    "MAX_LINES",
    "MAX_QUANTITY",
    "MIN_QUANTITY",
    "LineItemSerializer",
    "line_items_field",
    "product_line_constraints",
    "quantities_by_product",
    "quantities_within_bounds",
]
