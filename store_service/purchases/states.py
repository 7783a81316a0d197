"""The purchase state machine: every state, the one table of allowed moves, the one mover.

`purchase_state_move` is the only code that changes `Purchase.state`; it writes the history row
and publishes `shop.purchase.state_changed` in the same transaction. `purchase_state_begin`
writes the creation row (from null) and its event.
"""

from django.db import transaction
from django.utils import timezone

from common.errors import Conflict
from common.events import publish

RECEIVED = "RECEIVED"
PAYMENT_AUTHORIZED = "PAYMENT_AUTHORIZED"
ORDER_REQUESTED = "ORDER_REQUESTED"
RESERVE_DELIVERED = "RESERVE_DELIVERED"
FAILED = "FAILED"

INITIAL = RECEIVED
CHOICES = [(RECEIVED, "Received"), (PAYMENT_AUTHORIZED, "Payment authorized"),
           (ORDER_REQUESTED, "Order requested"),
           (RESERVE_DELIVERED, "Reserve delivered"), (FAILED, "Failed")]

MOVES: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({PAYMENT_AUTHORIZED, FAILED}),
    PAYMENT_AUTHORIZED: frozenset({ORDER_REQUESTED, FAILED}),
    ORDER_REQUESTED: frozenset({RESERVE_DELIVERED, FAILED}),
    RESERVE_DELIVERED: frozenset(),
    FAILED: frozenset(),
}
# States a worker still has work to do in.
OPEN = frozenset(state for state, targets in MOVES.items() if targets)
FINAL = frozenset(state for state, targets in MOVES.items() if not targets)


class IllegalMove(Conflict):
    default_detail = "This purchase cannot move to that state."


def can_move(source: str, target: str) -> bool:
    return target in MOVES.get(source, frozenset())


def purchase_state_begin(*, purchase, note: str = "Purchase received.") -> None:
    """Record the creation of a purchase: the history row from null to its initial state."""
    if purchase.state != INITIAL:
        raise IllegalMove(f"A purchase starts in {INITIAL}, not {purchase.state}.")
    purchase.history.create(from_state=None, to_state=INITIAL, at=purchase.created_at, note=note)
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
    """Move `purchase` to `to`, saving `fields` with it and a history row, atomically.

    The state is read again under a row lock so that two runners cannot both make a move from
    the same state; an illegal move raises `IllegalMove` and changes nothing.
    """
    fields = dict(fields or {})
    with transaction.atomic():
        current = type(purchase).objects.select_for_update().values_list(
            "state", flat=True).get(pk=purchase.pk)
        if not can_move(current, to):
            raise IllegalMove(f"A purchase in {current} cannot move to {to}.")
        now = timezone.now()
        for name, value in fields.items():
            setattr(purchase, name, value)
        purchase.state = to
        purchase.updated_at = now
        purchase.save(update_fields=["state", "updated_at", *fields])
        purchase.history.create(from_state=current, to_state=to, at=now, note=note[:500])
        _publish(purchase, source=current)
    return purchase
