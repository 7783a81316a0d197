"""The carrier's price and transit-time rule (documented in docs/partners.md)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from deliveries.regions import (
    DISTANT_REGION,
    NEIGHBOURING_REGION,
    SAME_REGION,
    SAME_STATE,
    distance_band,
)

CENTS = Decimal("0.01")

# band: (base fee, fee per unit carried, transit days)
RATE_TABLE: dict[int, tuple[Decimal, Decimal, int]] = {
    SAME_STATE: (Decimal("12.00"), Decimal("1.50"), 2),
    SAME_REGION: (Decimal("18.00"), Decimal("2.00"), 4),
    NEIGHBOURING_REGION: (Decimal("28.00"), Decimal("2.50"), 6),
    DISTANT_REGION: (Decimal("40.00"), Decimal("3.00"), 9),
}
# Every full block of this many units adds a day (loading, more vehicles).
UNITS_PER_EXTRA_DAY = 100


@dataclass(frozen=True)
class Quote:
    cost: Decimal
    transit_days: int

    def delivery_date(self, *, booked_on: date) -> date:
        return booked_on + timedelta(days=self.transit_days)


def delivery_quote(*, origin_state: str, destination_state: str, units: int) -> Quote:
    """cost = base fee + per-unit fee x units; days = band days + units // 100."""
    band = distance_band(origin_state=origin_state, destination_state=destination_state)
    base_fee, unit_fee, days = RATE_TABLE[band]
    cost = (base_fee + unit_fee * units).quantize(CENTS)
    return Quote(cost=cost, transit_days=days + units // UNITS_PER_EXTRA_DAY)
