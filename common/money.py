"""Money, the same in every service: Brazilian reais with two decimal places, in two sizes.

A price-sized amount (a product's unit price, a voucher's amount off, a delivery's cost) has
up to 10 digits: 99,999,999.99. A total-sized amount (an order, a purchase, a payment) has up
to 16, so the largest order (50 lines of 1,000 at the highest price: 4,999,999,999,500.00) fits
with room. Models and serializers take their `max_digits` and `decimal_places` from here.
"""

DECIMAL_PLACES = 2
PRICE_DIGITS = 10
TOTAL_DIGITS = 16
