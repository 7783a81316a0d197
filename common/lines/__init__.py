"""Order lines as every service receives them: `[{product_id, quantity}]`."""

from collections.abc import Iterable, Mapping
from typing import Any


def quantities_by_product(items: Iterable[Mapping[str, Any]]) -> dict[Any, int]:
    """Quantities by product id, the same product named twice summed, in the order the
    products first appear."""
    quantities: dict[Any, int] = {}
    for item in items:
        quantities[item["product_id"]] = quantities.get(item["product_id"], 0) + item["quantity"]
    return quantities


__all__ = ["quantities_by_product"]
