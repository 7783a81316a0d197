"""The purchase state machine: every state, the one table of allowed moves, the one mover.

`purchase_state_move` is the only code that changes `Purchase.state`; it writes the history row
in the same transaction. `purchase_state_begin` writes the creation row (from null).
"""

from django.db import transaction
from django.utils import timezone

from common.errors import Conflict

RECEIVED = "RECEIVED"
ORDER_REQUESTED = "ORDER_REQUESTED"
RESERVE_DELIVERED = "RESERVE_DELIVERED"
FAILED = "FAILED"

INITIAL = RECEIVED
CHOICES = [(RECEIVED, "Received"), (ORDER_REQUESTED, "Order requested"),
           (RESERVE_DELIVERED, "Reserve delivered"), (FAILED, "Failed")]

MOVES: dict[str, frozenset[str]] = {
    RECEIVED: frozenset({ORDER_REQUESTED, FAILED}),
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
    return purchase
