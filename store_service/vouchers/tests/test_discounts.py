"""Property tests of the discount rule: never negative, never more than the subtotal."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from vouchers.models import Voucher
from vouchers.services import voucher_discount

money = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("99999999.99"), places=2)


@given(subtotal=money, percent=st.integers(min_value=1, max_value=100))
def test_a_percent_discount_stays_between_zero_and_the_subtotal(subtotal, percent):
    discount = voucher_discount(voucher=Voucher(percent_off=percent), subtotal=subtotal)

    assert Decimal("0.00") <= discount <= subtotal
    assert discount == discount.quantize(Decimal("0.01"))
    assert abs(discount - subtotal * percent / 100) <= Decimal("0.005")


@given(subtotal=money, amount=money.filter(lambda value: value > 0))
def test_an_amount_discount_never_takes_the_total_below_zero(subtotal, amount):
    discount = voucher_discount(voucher=Voucher(amount_off=amount), subtotal=subtotal)

    assert discount == min(amount, subtotal)
    assert subtotal - discount >= 0
