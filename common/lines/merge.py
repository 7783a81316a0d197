"""The merge rule for order lines: the same product named twice is one line."""

from collections.abc import Iterable, Mapping
from typing import Any


def quantities_by_product(items: Iterable[Mapping[str, Any]]) -> dict[Any, int]:
    """Quantities by product id, the same product named twice summed, in the order the
    products first appear."""
    quantities: dict[Any, int] = {}
    for item in items:
        quantities[item["product_id"]] = quantities.get(item["product_id"], 0) + item["quantity"]
    return quantities
