"""Writes on payments: authorize (idempotent by reference), capture, void and refund.

Each operation locks the payment's row, asks the provider, then moves the status through
`states.payment_state_move`, all in one transaction: a concurrent operation on the same payment
waits for the first and then sees its outcome. A transient provider failure rolls the
operation back and answers 503 `upstream_unavailable`, so the caller tries again later.
"""

from decimal import Decimal

from django.db import transaction
from rest_framework.exceptions import NotFound, ValidationError

from common.db import created_once, insert_rows
from common.errors import Conflict, PaymentDeclined, UpstreamUnavailable
from payments import selectors, states
from payments.models import Payment
from payments.provider import CardDeclined, ProviderUnavailable, UnknownCard, card_provider

PROVIDER = "card_provider"
NOT_FOUND = "Payment not found."


def _locked(payment_id) -> Payment:
    payment = selectors.payment_locked(payment_id=payment_id)
    if payment is None:
        raise NotFound(NOT_FOUND)
    return payment


def _unavailable(exc: ProviderUnavailable) -> UpstreamUnavailable:
    return UpstreamUnavailable(f"The card provider is unavailable ({exc}). Try again later.",
                               service=PROVIDER)


def _declined(payment: Payment) -> PaymentDeclined:
    return PaymentDeclined(f"The card was declined ({payment.decline_reason}).",
                           details={"payment_id": str(payment.pk)},
                           reason=payment.decline_reason)


def _same_request(payment: Payment, *, amount: Decimal, currency: str, card) -> bool:
    return (payment.amount == amount and payment.currency == currency
            and (payment.card_brand, payment.card_last4) == (card.brand, card.last4))


def payment_authorize(*, reference: str, amount: Decimal, currency: str, card_token: str,
                      user_id=None) -> tuple[Payment, bool]:
    """Hold `amount` on the card; returns (payment, created). A decline raises 402.

    The same reference again answers the first payment (a decline is declined again); with a
    different amount, currency or card it is a 409 `reference_reused`. The row is saved as
    `pending` before the provider is asked, so a retry after a provider failure or a crash
    asks again for the same payment instead of making a second one.
    """
    provider = card_provider()
    try:
        card = provider.card(card_token=card_token)
    except UnknownCard as exc:
        raise ValidationError({"card_token": ["Unknown card token."]}) from exc

    def create() -> Payment:
        with transaction.atomic():
            (payment,) = insert_rows([Payment(
                reference=reference, amount=amount, currency=currency, user_id=user_id,
                card_brand=card.brand, card_last4=card.last4, status=states.PENDING)])
            return payment

    payment, created = created_once(
        create, lambda: Payment.objects.filter(reference=reference).first(), attempts=1)
    if not _same_request(payment, amount=amount, currency=currency, card=card):
        raise Conflict("This reference was used for a payment with another amount or card.",
                       reason="reference_reused")
    with transaction.atomic():
        payment = _locked(payment.pk)
        if payment.status == states.PENDING:
            try:
                authorization = provider.authorize(reference=reference, card_token=card_token,
                                                   amount=payment.amount,
                                                   currency=payment.currency)
            except ProviderUnavailable as exc:
                raise _unavailable(exc) from exc
            except CardDeclined as exc:
                states.payment_state_move(
                    payment=payment, operation=states.AUTHORIZE, to=states.DECLINED,
                    amount=payment.amount, outcome="declined", reason=exc.reason,
                    fields={"decline_reason": exc.reason})
            else:
                states.payment_state_move(
                    payment=payment, operation=states.AUTHORIZE, to=states.AUTHORIZED,
                    amount=payment.amount, fields={"provider_reference": authorization})
    if payment.status == states.DECLINED:
        raise _declined(payment)
    return payment, created


def payment_capture(*, payment_id) -> Payment:
    """Charge the authorized amount; a payment captured before is answered unchanged."""
    with transaction.atomic():
        payment = _locked(payment_id)
        if payment.status in (states.CAPTURED, states.REFUNDED):
            return payment
        states.payment_move_check(status=payment.status, operation=states.CAPTURE)
        try:
            card_provider().capture(authorization=payment.provider_reference,
                                    amount=payment.amount)
        except ProviderUnavailable as exc:
            raise _unavailable(exc) from exc
        return states.payment_state_move(
            payment=payment, operation=states.CAPTURE, to=states.CAPTURED,
            amount=payment.amount, fields={"captured_amount": payment.amount})


def payment_void(*, payment_id) -> Payment:
    """Release an authorization (or a pending one); a voided payment is answered unchanged."""
    with transaction.atomic():
        payment = _locked(payment_id)
        if payment.status == states.VOIDED:
            return payment
        states.payment_move_check(status=payment.status, operation=states.VOID)
        try:
            card_provider().void(authorization=payment.provider_reference
                                 or f"auth_{payment.reference}")
        except ProviderUnavailable as exc:
            raise _unavailable(exc) from exc
        return states.payment_state_move(payment=payment, operation=states.VOID,
                                         to=states.VOIDED, amount=payment.amount)


def payment_refund(*, payment_id, amount: Decimal | None = None,
                   idempotency_key: str = "") -> Payment:
    """Give back `amount` (default: all that is left) of a captured payment.

    Refunds add up to at most the captured amount (409 `refund_exceeds_captured`). With an
    `idempotency_key` already used for a refund of this payment, nothing is refunded again.
    """
    with transaction.atomic():
        payment = _locked(payment_id)
        if idempotency_key and payment.operations.filter(
                kind=states.REFUND, idempotency_key=idempotency_key).exists():
            return payment
        states.payment_move_check(status=payment.status, operation=states.REFUND)
        refundable = payment.refundable_amount
        amount = refundable if amount is None else amount
        if amount > refundable:
            raise Conflict(f"At most {refundable} can still be refunded.",
                           details={"refundable_amount": str(refundable)},
                           reason="refund_exceeds_captured")
        try:
            card_provider().refund(authorization=payment.provider_reference, amount=amount)
        except ProviderUnavailable as exc:
            raise _unavailable(exc) from exc
        refunded = payment.refunded_amount + amount
        return states.payment_state_move(
            payment=payment, operation=states.REFUND,
            to=states.REFUNDED if refunded == payment.captured_amount else states.CAPTURED,
            amount=amount, idempotency_key=idempotency_key,
            fields={"refunded_amount": refunded})
