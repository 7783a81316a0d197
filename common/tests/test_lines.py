"""Order lines: the merge rule every service applies, and the contract's bounds."""

import uuid

import pytest
from rest_framework.exceptions import ValidationError

from common.lines import (
    MAX_LINES,
    MAX_QUANTITY,
    line_items_field,
    quantities_by_product,
    quantities_within_bounds,
)


def test_the_same_product_twice_is_summed_in_first_appearance_order():
    items = [{"product_id": "b", "quantity": 2}, {"product_id": "a", "quantity": 1},
             {"product_id": "b", "quantity": 3}]

    merged = quantities_by_product(items)

    assert merged == {"b": 5, "a": 1}
    assert list(merged) == ["b", "a"]


def test_no_items_is_no_quantities():
    assert quantities_by_product([]) == {}


def _lines(items):
    field = line_items_field()
    field.bind("items", None)
    return field.run_validation(items)


def test_line_items_accept_the_contracts_bounds():
    product_id = str(uuid.uuid4())

    lines = _lines([{"product_id": product_id, "quantity": MAX_QUANTITY}] * MAX_LINES)

    assert len(lines) == 50
    assert lines[0] == {"product_id": uuid.UUID(product_id), "quantity": 1000}


@pytest.mark.parametrize("items", [
    [],
    [{"product_id": str(uuid.uuid4()), "quantity": 0}],
    [{"product_id": str(uuid.uuid4()), "quantity": MAX_QUANTITY + 1}],
    [{"product_id": "not-a-uuid", "quantity": 1}],
    [{"product_id": str(uuid.uuid4()), "quantity": 1}] * (MAX_LINES + 1),
])
def test_line_items_refuse_what_the_contract_does_not_allow(items):
    with pytest.raises(ValidationError):
        _lines(items)


def test_merged_quantities_obey_the_line_limit():
    within = [{"product_id": "a", "quantity": 600}, {"product_id": "a", "quantity": 400}]
    beyond = [*within, {"product_id": "a", "quantity": 1}, {"product_id": "b", "quantity": 1}]

    assert quantities_within_bounds(within) == {"a": 1000}
    with pytest.raises(ValidationError) as raised:
        quantities_within_bounds(beyond)
    assert raised.value.detail == {
        "items": ["Product a: the merged quantity must not exceed 1000."]}
