"""The purchase state machine: every state, the one table of allowed moves, the one mover.

The table is a `common.statemachine.StateMachine` (the shape every service's machine takes).
`purchase_state_move` is the only code that changes `Purchase.state`: the machine moves it with
one conditional `UPDATE` from the state in hand (re-reading it under a row lock only when that
matches nothing), refuses a move not in the table (`IllegalMove`, 409 with reason
`invalid_transition`), saves the state with the step's fields and writes the history row; the
same transaction publishes `shop.purchase.state_changed`. `purchase_state_begin` writes the
creation row (from null) and its event.
"""

from django.db import transaction

from common.events import publish
from common.statemachine import IllegalMove, StateMachine

RECEIVED = "RECEIVED"
PAYMENT_AUTHORIZED = "PAYMENT_AUTHORIZED"
ORDER_REQUESTED = "ORDER_REQUESTED"
RESERVE_DELIVERED = "RESERVE_DELIVERED"
FAILED = "FAILED"

INITIAL = RECEIVED
CHOICES = [(RECEIVED, "Received"), (PAYMENT_AUTHORIZED, "Payment authorized"),
           (ORDER_REQUESTED, "Order requested"),
           (RESERVE_DELIVERED, "Reserve delivered"), (FAILED, "Failed")]

PURCHASE_STATE = StateMachine(
    moves={
        RECEIVED: {PAYMENT_AUTHORIZED, FAILED},
        PAYMENT_AUTHORIZED: {ORDER_REQUESTED, FAILED},
        ORDER_REQUESTED: {RESERVE_DELIVERED, FAILED},
        RESERVE_DELIVERED: set(),
        FAILED: set(),
    },
    initial=INITIAL,
    field="state",
    history="history",
    label="purchase",
)
MOVES: dict[str, frozenset[str]] = {state: PURCHASE_STATE.targets(state)
                                    for state in PURCHASE_STATE.states}
# States a worker still has work to do in.
OPEN = PURCHASE_STATE.open
FINAL = PURCHASE_STATE.final

__all__ = ["FAILED", "FINAL", "INITIAL", "MOVES", "OPEN", "PAYMENT_AUTHORIZED",
           "PURCHASE_STATE", "RECEIVED", "RESERVE_DELIVERED", "IllegalMove", "can_move",
           "purchase_state_begin", "purchase_state_move"]


def can_move(source: str, target: str) -> bool:
    return PURCHASE_STATE.can_move(source, target)


def purchase_state_begin(*, purchase, note: str = "Purchase received.") -> None:
    """Record the creation of a purchase: the history row from null to its initial state."""
    PURCHASE_STATE.begin(instance=purchase, note=note)
    _publish(purchase, source=None)


def _publish(purchase, *, source: str | None) -> None:
    """`shop.purchase.state_changed`, with the step's facts: delivery on RESERVE_DELIVERED,
    the reason on FAILED, the payment's status whenever there is a payment."""
    data = {"purchase_id": str(purchase.pk), "order_id": str(purchase.order_id),
            "user_id": str(purchase.user_id), "from": source, "to": purchase.state,
            "total": f"{purchase.total:.2f}"}
    if purchase.state == RESERVE_DELIVERED:
        delivery = purchase.info_delivery or {}
        data["tracking_code"] = delivery.get("tracking_code")
        data["estimated_delivery_date"] = delivery.get("estimated_delivery_date")
    if purchase.state == FAILED:
        data["failure_reason"] = purchase.failure_reason
    if purchase.payment:
        data["payment_status"] = purchase.payment.get("status")
    publish(type="shop.purchase.state_changed", subject=str(purchase.pk), data=data)


def purchase_state_move(*, purchase, to: str, note: str = "", fields: dict | None = None):
    """Move `purchase` to `to`, saving `fields` with it, its history row and its event,
    atomically; an illegal move raises `IllegalMove` and changes nothing."""
    with transaction.atomic():
        move = PURCHASE_STATE.move(instance=purchase, to=to, note=note, fields=fields)
        _publish(purchase, source=move.source)
    return purchase
