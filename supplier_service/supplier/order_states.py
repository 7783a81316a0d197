"""The supplier order's states and the one table of moves between them."""

from supplier.models import SupplierOrderStatus

CONFIRMED = SupplierOrderStatus.CONFIRMED
CANCELLED = SupplierOrderStatus.CANCELLED

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    CONFIRMED: frozenset({CANCELLED}),
    CANCELLED: frozenset(),
}


def can_move(*, current: str, target: str) -> bool:
    return target in ALLOWED_MOVES[current]
