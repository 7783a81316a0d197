"""Rules that hold for all inputs: totals to the cent, and status moves only by the table."""

import uuid
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from common.errors import Conflict
from orders.clients import ReservedLine
from orders.services import order_items_merge, order_lines_price
from orders.status import INITIAL, ORDER_STATUS, OrderStatus

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2,
                     allow_nan=False, allow_infinity=False)
lines = st.lists(st.tuples(prices, st.integers(min_value=1, max_value=1000)),
                 min_size=1, max_size=50)


@given(lines=lines)
def test_order_total_is_the_sum_of_price_times_quantity_to_the_cent(lines):
    products = {uuid.uuid4(): ReservedLine(name="p", unit_price=price) for price, _ in lines}
    quantities = {product_id: quantity
                  for product_id, (_, quantity) in zip(products, lines, strict=True)}

    priced, total = order_lines_price(quantities=quantities, products=products)

    cents = sum(int(price * 100) * quantity for price, quantity in lines)
    assert total == Decimal(cents) / 100
    assert total.as_tuple().exponent == -2
    assert all(line.line_total == line.unit_price * line.quantity for line in priced)
    assert [line.unit_price for line in priced] == [price for price, _ in lines]


@given(items=st.lists(st.tuples(st.sampled_from(range(5)), st.integers(1, 200)),
                      min_size=1, max_size=50))
def test_order_items_merge_sums_each_product(items):
    ids = [uuid.UUID(int=n + 1) for n in range(5)]
    expected = {}
    for index, quantity in items:
        expected[ids[index]] = expected.get(ids[index], 0) + quantity
    body = [{"product_id": ids[index], "quantity": quantity} for index, quantity in items]

    if max(expected.values()) > 1000:
        with pytest.raises(ValidationError, match="1000"):
            order_items_merge(items=body)
    else:
        assert order_items_merge(items=body) == expected


@given(moves=st.lists(st.sampled_from(OrderStatus.values), max_size=20))
def test_status_moves_only_follow_the_table(moves):
    current = INITIAL
    for target in moves:
        try:
            changed = ORDER_STATUS.check(current=current, target=target)
        except Conflict:
            assert target != current
            assert not ORDER_STATUS.can_move(current, target)
            continue
        if changed:
            assert ORDER_STATUS.can_move(current, target)
            current = target
        else:
            assert target == current
    assert current in OrderStatus.values


def test_status_table_names_every_state_and_ends_in_final_states():
    assert ORDER_STATUS.states == set(OrderStatus.values)
    assert ORDER_STATUS.final == {OrderStatus.COMPLETED, OrderStatus.CANCELLED}
    assert ORDER_STATUS.targets(OrderStatus.PENDING) == {OrderStatus.PROCESSING,
                                                         OrderStatus.CANCELLED}
    assert ORDER_STATUS.targets(OrderStatus.PROCESSING) == {OrderStatus.COMPLETED,
                                                            OrderStatus.CANCELLED}
