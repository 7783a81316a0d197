"""The payment state machine: every status, the one table of allowed moves, the one mover.

`payment_state_move` is the only code that changes `Payment.status`; it writes the operation
row and publishes `shop.payment.changed` in the same transaction, under the payment's row lock.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from common.errors import Conflict
from common.events import publish

PENDING = "pending"  # saved before the provider answered; holds no money the platform knows of
AUTHORIZED = "authorized"
DECLINED = "declined"
CAPTURED = "captured"
VOIDED = "voided"
REFUNDED = "refunded"

CHOICES = [(PENDING, "Pending"), (AUTHORIZED, "Authorized"), (DECLINED, "Declined"),
           (CAPTURED, "Captured"), (VOIDED, "Voided"), (REFUNDED, "Refunded")]

# Operations, as the history names them.
AUTHORIZE = "authorize"
CAPTURE = "capture"
VOID = "void"
REFUND = "refund"
OPERATIONS = [(AUTHORIZE, "Authorize"), (CAPTURE, "Capture"), (VOID, "Void"),
              (REFUND, "Refund")]

# (status, operation) -> the statuses that operation may lead to from there.
MOVES: dict[tuple[str, str], frozenset[str]] = {
    (PENDING, AUTHORIZE): frozenset({AUTHORIZED, DECLINED}),
    (PENDING, VOID): frozenset({VOIDED}),  # the caller gave up before the provider answered
    (AUTHORIZED, CAPTURE): frozenset({CAPTURED}),
    (AUTHORIZED, VOID): frozenset({VOIDED}),
    (CAPTURED, REFUND): frozenset({CAPTURED, REFUNDED}),  # a partial refund stays captured
}
# The rule an operation breaks when the payment's status has no move for it.
REFUSALS: dict[str, tuple[str, str]] = {
    AUTHORIZE: ("payment_already_authorized", "This payment was already authorized or declined."),
    CAPTURE: ("payment_not_authorized", "Only an authorized payment can be captured."),
    VOID: ("payment_not_authorized", "Only an authorized payment can be voided."),
    REFUND: ("payment_not_captured", "Only a captured payment can be refunded."),
}
STATUSES = frozenset(status for status, _ in CHOICES)
FINAL = frozenset(status for status in STATUSES
                  if not any(source == status for source, _ in MOVES))


class IllegalMove(Conflict):
    default_detail = "This operation does not fit the payment's status."


def can_move(source: str, operation: str, target: str) -> bool:
    return target in MOVES.get((source, operation), frozenset())


def payment_move_check(*, status: str, operation: str) -> None:
    """Raise the 409 (with its `reason`) when `operation` has no move from `status`."""
    if (status, operation) not in MOVES:
        reason, message = REFUSALS[operation]
        raise IllegalMove(f"{message} It is {status}.", reason=reason)


def payment_state_move(*, payment, operation: str, to: str, amount: Decimal | None = None,
                       outcome: str = "succeeded", reason: str = "",
                       idempotency_key: str = "", fields: dict | None = None):
    """Move `payment` to `to` by `operation`, saving `fields`, its history row and its event.

    The caller holds the transaction (it asked the provider under the same row lock); the
    status is read again under the lock so a concurrent move from the same status is refused.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("payment_state_move runs inside the caller's transaction")
    fields = dict(fields or {})
    current = type(payment).objects.select_for_update().values_list(
        "status", flat=True).get(pk=payment.pk)
    payment_move_check(status=current, operation=operation)
    if not can_move(current, operation, to):
        raise IllegalMove(f"A {current} payment cannot become {to} by {operation}.",
                          reason=REFUSALS[operation][0])
    now = timezone.now()
    for name, value in fields.items():
        setattr(payment, name, value)
    payment.status = to
    payment.updated_at = now
    payment.save(update_fields=["status", "updated_at", *fields])
    payment.operations.create(kind=operation, amount=amount, outcome=outcome, reason=reason,
                              idempotency_key=idempotency_key, at=now)
    publish(type="shop.payment.changed", subject=str(payment.pk), data={
        "payment_id": str(payment.pk), "reference": payment.reference,
        "user_id": str(payment.user_id) if payment.user_id else None,
        "status": payment.status, "amount": str(payment.amount),
        "captured_amount": str(payment.captured_amount),
        "refunded_amount": str(payment.refunded_amount), "currency": payment.currency,
        "operation": operation, **({"reason": reason} if reason else {}),
    })
    return payment
