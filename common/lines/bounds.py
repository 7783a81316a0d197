"""The bounds of a line-item list (contract: 1 to 1000 units a line, at most 50 lines).

Orders and stock reservations accept the same lines, so both validate them here: the
serializer checks each line as sent, `quantities_within_bounds` the lines once merged.
"""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from common.lines.merge import quantities_by_product

MIN_QUANTITY = 1
MAX_QUANTITY = 1000
MAX_LINES = 50


@extend_schema_serializer(component_name="LineItem")
class LineItemSerializer(serializers.Serializer):
    """One line: a product and how many of it."""

    product_id = serializers.UUIDField()
    quantity = serializers.IntegerField(min_value=MIN_QUANTITY, max_value=MAX_QUANTITY)


def line_items_field(**kwargs) -> serializers.ListSerializer:
    """The `items` field: 1 to MAX_LINES lines, each within the quantity bounds."""
    return LineItemSerializer(many=True, allow_empty=False, max_length=MAX_LINES, **kwargs)


def quantities_within_bounds(items) -> dict:
    """The merged quantities by product; a product whose lines add up to more than
    MAX_QUANTITY is a validation error on `items`."""
    quantities = quantities_by_product(items)
    too_many = [product_id for product_id, quantity in quantities.items()
                if quantity > MAX_QUANTITY]
    if too_many:
        raise ValidationError({"items": [
            f"Product {product_id}: the merged quantity must not exceed {MAX_QUANTITY}."
            for product_id in too_many]})
    return quantities
