"""quantities_by_product: the merge rule every service applies to order lines."""

from common.lines import quantities_by_product


def test_the_same_product_twice_is_summed_in_first_appearance_order():
    items = [{"product_id": "b", "quantity": 2}, {"product_id": "a", "quantity": 1},
             {"product_id": "b", "quantity": 3}]

    merged = quantities_by_product(items)

    assert merged == {"b": 5, "a": 1}
    assert list(merged) == ["b", "a"]


def test_no_items_is_no_quantities():
    assert quantities_by_product([]) == {}
