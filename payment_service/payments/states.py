"""The payment state machine: every status, the one table of allowed moves, the one mover.

The table is a `common.statemachine.StateMachine`; each operation names the statuses it starts
from. `payment_state_move` is the only code that changes `Payment.status`: the machine re-reads
the status under the payment's row lock and refuses a move that does not fit (409 with the
operation's `reason`); the same transaction writes the operation row and publishes
`shop.payment.changed`.
"""

from decimal import Decimal

from django.db import transaction

from common.db import insert_rows
from common.events import publish
from common.statemachine import IllegalMove, StateMachine

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

# The one table of allowed moves, as every service's machines are written (common.statemachine).
PAYMENT_STATUS = StateMachine(
    moves={
        PENDING: {AUTHORIZED, DECLINED, VOIDED},
        AUTHORIZED: {CAPTURED, VOIDED},
        CAPTURED: {CAPTURED, REFUNDED},  # a partial refund stays captured
        DECLINED: set(),
        VOIDED: set(),
        REFUNDED: set(),
    },
    initial=PENDING,
    field="status",
    label="payment",
)
# Which statuses each operation starts from, and which it may lead to.
OPERATION_FROM: dict[str, frozenset[str]] = {
    AUTHORIZE: frozenset({PENDING}),
    CAPTURE: frozenset({AUTHORIZED}),
    VOID: frozenset({PENDING, AUTHORIZED}),  # pending: the caller gave up before an answer
    REFUND: frozenset({CAPTURED}),
}
OPERATION_TO: dict[str, frozenset[str]] = {
    AUTHORIZE: frozenset({AUTHORIZED, DECLINED}),
    CAPTURE: frozenset({CAPTURED}),
    VOID: frozenset({VOIDED}),
    REFUND: frozenset({CAPTURED, REFUNDED}),
}
# The rule an operation breaks when the payment's status has no move for it.
REFUSALS: dict[str, tuple[str, str]] = {
    AUTHORIZE: ("payment_already_authorized", "This payment was already authorized or declined."),
    CAPTURE: ("payment_not_authorized", "Only an authorized payment can be captured."),
    VOID: ("payment_not_authorized", "Only an authorized payment can be voided."),
    REFUND: ("payment_not_captured", "Only a captured payment can be refunded."),
}
# (status, operation) -> the statuses that operation leads to from there.
MOVES: dict[tuple[str, str], frozenset[str]] = {
    (status, operation): PAYMENT_STATUS.targets(status) & OPERATION_TO[operation]
    for operation, sources in OPERATION_FROM.items() for status in sources
}
STATUSES = PAYMENT_STATUS.states
FINAL = PAYMENT_STATUS.final


def can_move(source: str, operation: str, target: str) -> bool:
    return target in MOVES.get((source, operation), frozenset())


def payment_move_check(*, status: str, operation: str) -> None:
    """Raise the 409 (with its `reason`) when `operation` has no move from `status`."""
    if status not in OPERATION_FROM[operation]:
        reason, message = REFUSALS[operation]
        raise IllegalMove(f"{message} It is {status}.", reason=reason)


def payment_state_move(*, payment, operation: str, to: str, amount: Decimal | None = None,
                       outcome: str = "succeeded", reason: str = "",
                       idempotency_key: str = "", fields: dict | None = None):
    """Move `payment` to `to` by `operation`, saving `fields`, its history row and its event.

    The caller holds the transaction (it asked the provider under the same row lock); the
    move is a conditional UPDATE from the status in hand, so a move the table or the
    operation does not allow from the row's status is refused.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("payment_state_move runs inside the caller's transaction")
    if operation not in OPERATION_TO or to not in OPERATION_TO[operation]:
        raise IllegalMove(f"{operation} cannot make a payment {to}.",
                          reason=REFUSALS[operation][0])
    move = PAYMENT_STATUS.move(instance=payment, to=to, fields=fields,
                               only_from=OPERATION_FROM[operation],
                               reason=REFUSALS[operation][0])
    insert_rows([payment.operations.model(  # Operation (models imports this module)
        payment=payment, kind=operation, amount=amount, outcome=outcome, reason=reason,
        idempotency_key=idempotency_key, at=move.at)])
    publish(type="shop.payment.changed", subject=str(payment.pk), data={
        "payment_id": str(payment.pk), "reference": payment.reference,
        "user_id": str(payment.user_id) if payment.user_id else None,
        "status": payment.status, "amount": f"{payment.amount:.2f}",
        "captured_amount": f"{payment.captured_amount:.2f}",
        "refunded_amount": f"{payment.refunded_amount:.2f}", "currency": payment.currency,
        "operation": operation, **({"reason": reason} if reason else {}),
    })
    return payment
