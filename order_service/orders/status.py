"""The order status state machine: every state and, in one table, every allowed move.

Only `orders.services` moves an order, through `ORDER_STATUS.move`; nothing else writes
`Order.status`. Setting the current status again is a no-op, not a conflict.
"""

from django.db import models

from common.statemachine import IllegalMove, StateMachine


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class OrderRefusal:
    """The reasons a status move is refused (409 `conflict`)."""

    # The move is not in the table (completed -> pending, …).
    INVALID_STATUS_TRANSITION = "invalid_status_transition"
    # The move is only allowed from pending (an owner's cancel, the pending expiry).
    ORDER_NOT_PENDING = "order_not_pending"


INITIAL = OrderStatus.PENDING

ORDER_STATUS = StateMachine(
    moves={
        OrderStatus.PENDING: {OrderStatus.PROCESSING, OrderStatus.CANCELLED},
        OrderStatus.PROCESSING: {OrderStatus.COMPLETED, OrderStatus.CANCELLED},
        OrderStatus.COMPLETED: set(),
        OrderStatus.CANCELLED: set(),
    },
    initial=INITIAL,
    field="status",
    history="history",
    repeat_is_noop=True,
    reason=OrderRefusal.INVALID_STATUS_TRANSITION,
    label="order",
)

__all__ = ["INITIAL", "ORDER_STATUS", "IllegalMove", "OrderRefusal", "OrderStatus"]
