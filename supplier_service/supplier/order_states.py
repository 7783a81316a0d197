"""The supplier order's state machine: its states, the one table of moves, the one mover.

`supplier_order_state_move` is the only code that changes `SupplierOrder.status`: the shared
`common.statemachine` mover re-reads the status under a row lock and refuses a move not in
the table (`IllegalMove`, 409 `invalid_transition`). Cancelling a cancelled order again is a
no-op (None), so a retried cancel gives no stock back twice.
"""

from common.statemachine import IllegalMove, StateMachine
from supplier.models import SupplierOrderStatus

CONFIRMED = SupplierOrderStatus.CONFIRMED.value
CANCELLED = SupplierOrderStatus.CANCELLED.value

SUPPLIER_ORDER_STATE = StateMachine(
    moves={
        CONFIRMED: {CANCELLED},
        CANCELLED: set(),
    },
    initial=CONFIRMED,
    field="status",
    repeat_is_noop=True,
    label="supplier order",
)

__all__ = ["CANCELLED", "CONFIRMED", "SUPPLIER_ORDER_STATE", "IllegalMove",
           "supplier_order_state_move"]


def supplier_order_state_move(*, order, to: str, fields: dict | None = None):
    """Move `order` to `to` under a row lock (with `fields`); None when it already was there."""
    return SUPPLIER_ORDER_STATE.move(instance=order, to=to, fields=fields)
