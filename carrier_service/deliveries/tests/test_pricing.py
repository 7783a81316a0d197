"""The carrier's cost and transit-time rule, by example and as properties."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.addresses import BRAZILIAN_STATES
from deliveries.pricing import RATE_TABLE, delivery_quote
from deliveries.regions import REGION_OF_STATE, distance_band

STATES = sorted(BRAZILIAN_STATES)


def test_brazil_has_27_states_in_five_regions():
    assert len(BRAZILIAN_STATES) == 27
    assert set(REGION_OF_STATE.values()) == {"N", "NE", "CO", "SE", "S"}


@pytest.mark.parametrize(("origin", "destination", "units", "cost", "days"), [
    ("SP", "SP", 1, "13.50", 2),     # same state: 12.00 + 1.50
    ("SP", "SP", 10, "27.00", 2),
    ("SP", "RJ", 3, "24.00", 4),     # same region (Southeast): 18.00 + 3 x 2.00
    ("SP", "PR", 2, "33.00", 6),     # neighbouring regions (Southeast-South): 28.00 + 2 x 2.50
    ("DF", "BA", 1, "30.50", 6),     # Center-West - Northeast
    ("SP", "AM", 1, "43.00", 9),     # distant regions (Southeast-North): 40.00 + 3.00
    ("RS", "CE", 4, "52.00", 9),     # South-Northeast
    ("SP", "SP", 100, "162.00", 3),  # every 100 units add a day
    ("SP", "AM", 250, "790.00", 11),
])
def test_delivery_quote_examples(origin, destination, units, cost, days):
    quote = delivery_quote(origin_state=origin, destination_state=destination, units=units)

    assert quote.cost == Decimal(cost)
    assert quote.transit_days == days
    assert quote.delivery_date(booked_on=date(2026, 1, 30)).toordinal() == (
        date(2026, 1, 30).toordinal() + days)


@given(origin=st.sampled_from(STATES), destination=st.sampled_from(STATES),
       units=st.integers(min_value=1, max_value=10_000_000))
def test_delivery_quote_is_symmetric_exact_to_the_cent_and_fits_the_column(
        origin, destination, units):
    there = delivery_quote(origin_state=origin, destination_state=destination, units=units)
    back = delivery_quote(origin_state=destination, destination_state=origin, units=units)

    assert there == back
    assert there.cost == there.cost.quantize(Decimal("0.01"))
    assert Decimal("0") < there.cost < Decimal("99999999.99")
    assert there.transit_days >= 2


@given(origin=st.sampled_from(STATES), destination=st.sampled_from(STATES),
       units=st.integers(min_value=1, max_value=1000))
def test_delivery_quote_grows_with_distance_and_units(origin, destination, units):
    quote = delivery_quote(origin_state=origin, destination_state=destination, units=units)
    local = delivery_quote(origin_state=origin, destination_state=origin, units=units)
    more = delivery_quote(origin_state=origin, destination_state=destination, units=units + 1)

    assert quote.cost >= local.cost
    assert quote.transit_days >= local.transit_days
    assert more.cost > quote.cost
    band = distance_band(origin_state=origin, destination_state=destination)
    assert (band == 0) == (origin == destination)
    assert quote.cost == RATE_TABLE[band][0] + RATE_TABLE[band][1] * units
