"""The order status state machine: every state and, in one table, every allowed move.

Only `orders.services.order_status_change` applies a move; nothing else writes `Order.status`.
"""

from django.db import models

from common.errors import Conflict


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


INITIAL = OrderStatus.PENDING

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PROCESSING, OrderStatus.CANCELLED}),
    OrderStatus.PROCESSING: frozenset({OrderStatus.COMPLETED, OrderStatus.CANCELLED}),
    OrderStatus.COMPLETED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


def can_move(*, current: str, target: str) -> bool:
    return target in ALLOWED_MOVES[current]


def status_move_check(*, current: str, target: str) -> bool:
    """True when the move changes the status, False when it is already there; else Conflict."""
    if current == target:
        return False
    if not can_move(current=current, target=target):
        raise Conflict(f"An order cannot move from {current} to {target}.",
                       details={"status": current, "requested": target,
                                "allowed": sorted(ALLOWED_MOVES[current])})
    return True
