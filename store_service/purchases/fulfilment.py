"""The purchase orchestrator: drive one purchase through payment, supplier and carrier.

Each step persists its outcome before the next call goes out. Partner calls carry an
idempotency key made of the purchase id and the step, so repeating a step after a crash or a
timeout finds the partner's first answer instead of creating a second payment, order or
delivery. A purchase that fails is compensated (supplier order cancelled, payment voided or
refunded, order cancelled); compensation that cannot finish now is retried by the worker until
it does, and the purchase shows it as not settled meanwhile.
"""

import contextlib
import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from vouchers.services import voucher_release

from common.errors import UpstreamUnavailable
from common.http import UpstreamRefused
from purchases import partners, states
from purchases.models import Purchase
from purchases.partners import CardRefused, PaymentDeclined
from purchases.providers import provider_info
from purchases.states import IllegalMove, purchase_state_move

logger = logging.getLogger("purchases.fulfilment")

RETRIES_EXHAUSTED = "retries exhausted"
CARD_REFUSED = "card token refused"
COMPENSATION_INCOMPLETE = "compensation incomplete"
# payment_service statuses that still hold money on the card, or took it.
RELEASE_BY_VOID = frozenset({"pending", "authorized"})
RELEASE_BY_REFUND = frozenset({"captured"})


def payment_reference(purchase: Purchase) -> str:
    return str(purchase.id)


def supplier_reference(purchase: Purchase) -> str:
    return f"{purchase.id}:order"


def carrier_reference(purchase: Purchase) -> str:
    return f"{purchase.id}:delivery"


def refund_key(purchase: Purchase) -> str:
    return f"{purchase.id}:refund"


def retry_delay(*, attempts: int) -> timedelta:
    """Exponential backoff with jitter: base·2^(n-1) capped, then a random 50-100 % of it."""
    base = settings.PURCHASE_RETRY_BASE_SECONDS
    ceiling = settings.PURCHASE_RETRY_MAX_SECONDS
    delay = min(ceiling, base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=random.uniform(delay / 2, delay))


def claim_until():
    """A purchase being worked on is not due for anyone else until this moment."""
    return timezone.now() + timedelta(seconds=settings.PURCHASE_CLAIM_SECONDS)


def outage_text(exc: UpstreamUnavailable) -> str:
    """What a purchase keeps of an outage: which partner, and what the client saw."""
    return f"{exc.service or 'a partner'} unavailable: {exc.detail}"


def _partner_items(purchase: Purchase) -> list[dict]:
    return [{"product_id": str(item["product_id"]), "quantity": int(item["quantity"])}
            for item in purchase.items]


def _save(purchase: Purchase, **fields) -> None:
    for name, value in fields.items():
        setattr(purchase, name, value)
    purchase.updated_at = timezone.now()
    purchase.save(update_fields=[*fields, "updated_at"])


def payment_summary(payment: dict) -> dict:
    """What the purchase keeps of payment_service's answer."""
    summary = {"id": str(payment["id"]), "status": payment["status"],
               "amount": payment["amount"], "card_last4": payment.get("card_last4")}
    if payment.get("decline_reason"):
        summary["reason"] = payment["decline_reason"]
    return summary


def _card(payment: dict) -> str:
    return f"{payment.get('card_brand', 'card')} ending {payment.get('card_last4', '????')}"


def _authorize_payment(purchase: Purchase) -> None:
    """RECEIVED -> PAYMENT_AUTHORIZED: hold the purchase's total on the customer's card."""
    if purchase.total <= 0:
        purchase_state_move(purchase=purchase, to=states.PAYMENT_AUTHORIZED,
                            note="Nothing to pay: the total is 0.00.",
                            fields={"card_token": "", "last_error": ""})
        return
    try:
        payment = partners.payment_authorize(
            reference=payment_reference(purchase), amount=f"{purchase.total:.2f}",
            card_token=purchase.card_token, user_id=purchase.user_id)
    except PaymentDeclined as exc:
        declined = {"id": exc.payment_id, "status": "declined", "amount": f"{purchase.total:.2f}",
                    "card_last4": None, "decline_reason": exc.reason}
        # The decline itself is known; the card's last digits are a nicety.
        with contextlib.suppress(UpstreamRefused, UpstreamUnavailable):
            if exc.payment_id:
                declined = partners.payment_get(payment_id=exc.payment_id)
        _save(purchase, payment=payment_summary(declined), card_token="")
        raise
    purchase_state_move(
        purchase=purchase, to=states.PAYMENT_AUTHORIZED,
        note=f"Payment {payment['id']} authorized: {payment['amount']} BRL on {_card(payment)}.",
        fields={"payment": payment_summary(payment), "card_token": "", "last_error": ""})


@contextlib.contextmanager
def _kept_if_failing(purchase: Purchase, **answers):
    """Partner answers a step already has ride on its state move; when a later call of the
    step fails, they are saved on their own, so the purchase still shows them."""
    try:
        yield
    except Exception:
        _save(purchase, **answers)
        raise


def _request_supplier_order(purchase: Purchase) -> None:
    """PAYMENT_AUTHORIZED -> ORDER_REQUESTED: the provider for the region, then the order."""
    provider = purchase.info_provider or provider_info(state=purchase.address_state)
    with _kept_if_failing(purchase, info_provider=provider):
        supplier_order = partners.supplier_order_create(
            reference=supplier_reference(purchase), items=_partner_items(purchase))
    purchase_state_move(
        purchase=purchase, to=states.ORDER_REQUESTED,
        note=f"Supplier order {supplier_order.get('order_number', '?')} accepted.",
        fields={"info_provider": provider, "info_order": supplier_order, "last_error": ""})


def _book_delivery(purchase: Purchase) -> None:
    """ORDER_REQUESTED -> RESERVE_DELIVERED: book the carrier, mark the order processing,
    then capture the payment (a repeated capture is answered unchanged: charged once)."""
    origin = (purchase.info_provider or {}).get("address") or {}
    delivery = partners.carrier_delivery_create(
        reference=carrier_reference(purchase), origin=origin, destination=purchase.address,
        items=_partner_items(purchase))
    fields = {"info_delivery": delivery, "last_error": "", "next_attempt_at": None}
    paid = "nothing to capture"
    with _kept_if_failing(purchase, info_delivery=delivery):
        partners.order_status_set(order_id=purchase.order_id, status="processing")
        if purchase.payment:
            payment = partners.payment_capture(payment_id=purchase.payment["id"])
            fields["payment"] = payment_summary(payment)
            paid = f"payment captured ({payment['amount']} BRL)"
    purchase_state_move(
        purchase=purchase, to=states.RESERVE_DELIVERED,
        note=f"Delivery {delivery.get('tracking_code', '?')} scheduled; {paid}; order processing.",
        fields=fields)


# The saga's steps in order: the state each starts from, and the step.
STEPS = ((states.RECEIVED, _authorize_payment),
         (states.PAYMENT_AUTHORIZED, _request_supplier_order),
         (states.ORDER_REQUESTED, _book_delivery))


def purchase_advance(*, purchase: Purchase, steps: int | None = None) -> Purchase:
    """Run the remaining steps once (at most `steps` of them): the purchase ends delivered,
    failed, waiting to retry, or (with `steps`) in the state its last step reached.

    A FAILED purchase whose compensation is pending gets its compensation tried again.
    """
    if purchase.state == states.FAILED:
        return purchase_compensate(purchase=purchase) if purchase.compensation_pending else (
            purchase)
    taken = 0
    try:
        for state, step in STEPS:
            if steps is not None and taken >= steps:
                break
            if purchase.state == state:
                step(purchase)
                taken += 1
    except PaymentDeclined as exc:
        purchase_fail(purchase=purchase, reason=f"payment declined: {exc.reason}")
    except CardRefused as exc:
        # Nothing was bought or held: the order stays pending, to be bought with a good card.
        purchase_fail(purchase=purchase, reason=f"{CARD_REFUSED}: {exc}", compensate=False)
    except UpstreamRefused as exc:
        purchase_fail(purchase=purchase, reason=str(exc))
    except UpstreamUnavailable as exc:
        purchase_postpone(purchase=purchase, error=outage_text(exc))
    except IllegalMove:
        # Another runner moved it first; what it saved is the truth.
        purchase.refresh_from_db()
    return purchase


def purchase_postpone(*, purchase: Purchase, error: str) -> Purchase:
    """Stay in the last good state; retry later with backoff, or give up after the last try."""
    attempts = purchase.attempts + 1
    if attempts >= settings.PURCHASE_MAX_ATTEMPTS:
        _save(purchase, attempts=attempts, last_error=error[:2000])
        return purchase_fail(purchase=purchase,
                             reason=f"{RETRIES_EXHAUSTED} after {attempts} attempts: {error}")
    _save(purchase, attempts=attempts, last_error=error[:2000],
          next_attempt_at=timezone.now() + retry_delay(attempts=attempts))
    logger.info("purchase %s waits for a retry: %s", purchase.id, error,
                extra={"purchase_id": str(purchase.id), "attempts": attempts})
    return purchase


def purchase_fail(*, purchase: Purchase, reason: str, compensate: bool = True) -> Purchase:
    """Give up: move to FAILED (voucher use given back in the same transaction), then
    compensate: the supplier order, the payment and the customer's order. `compensate=False`
    when nothing was bought, held or booked and the order is left as it is."""
    try:
        with transaction.atomic():
            purchase_state_move(
                purchase=purchase, to=states.FAILED, note=reason,
                fields={"failure_reason": reason[:2000], "card_token": "",
                        "compensation_pending": compensate,
                        "next_attempt_at": claim_until() if compensate else None})
            if purchase.voucher_id is not None:
                voucher_release(voucher_id=purchase.voucher_id)
    except IllegalMove:
        purchase.refresh_from_db()
        return purchase
    return purchase_compensate(purchase=purchase) if compensate else purchase


def _release_payment(purchase: Purchase) -> None:
    """Void a held authorization or refund a capture; nothing when no money is held."""
    if purchase.payment and purchase.payment.get("id"):
        payment = partners.payment_get(payment_id=purchase.payment["id"])
    elif purchase.total > 0:
        # The authorization's answer may have been lost: payment_service knows by reference.
        payment = partners.payment_find(reference=payment_reference(purchase))
    else:
        payment = None
    if payment is None:
        return
    for _ in range(2):  # a concurrent capture turns a refused void into a refund
        try:
            if payment["status"] in RELEASE_BY_VOID:
                payment = partners.payment_void(payment_id=payment["id"])
            elif payment["status"] in RELEASE_BY_REFUND:
                payment = partners.payment_refund(payment_id=payment["id"],
                                                  idempotency_key=refund_key(purchase))
            break
        except UpstreamRefused:
            payment = partners.payment_get(payment_id=payment["id"])
    _save(purchase, payment=payment_summary(payment))
    if payment["status"] in RELEASE_BY_VOID | RELEASE_BY_REFUND:
        raise UpstreamUnavailable(f"the payment is still {payment['status']}",
                                  service=partners.PAYMENT)


def purchase_compensate(*, purchase: Purchase) -> Purchase:
    """Release what a FAILED purchase holds; each step is idempotent, so a pass may repeat.

    A partner that is unavailable leaves the compensation pending: the worker retries it with
    backoff until every step is done. A partner's refusal is final and written down.
    """
    problems: list[str] = []
    refusals: list[str] = []

    def attempt(step) -> None:
        try:
            step()
        except UpstreamUnavailable as exc:
            problems.append(outage_text(exc))
        except UpstreamRefused as exc:
            refusals.append(str(exc))

    order_number = (purchase.info_order or {}).get("order_number")
    if order_number:
        attempt(lambda: partners.supplier_order_cancel(order_number=order_number))
    attempt(lambda: _release_payment(purchase))
    attempt(lambda: partners.order_status_set(order_id=purchase.order_id, status="cancelled"))
    if problems:
        attempts = purchase.attempts + 1
        logger.warning("purchase %s: %s: %s", purchase.id, COMPENSATION_INCOMPLETE, problems,
                       extra={"purchase_id": str(purchase.id)})
        _save(purchase, attempts=attempts,
              last_error=f"{COMPENSATION_INCOMPLETE}: {'; '.join(problems + refusals)}"[:2000],
              next_attempt_at=timezone.now() + retry_delay(attempts=attempts))
        return purchase
    if refusals:
        logger.warning("purchase %s: compensation refused: %s", purchase.id, refusals,
                       extra={"purchase_id": str(purchase.id)})
    _save(purchase, compensation_pending=False, next_attempt_at=None,
          last_error=f"compensation refused: {'; '.join(refusals)}"[:2000] if refusals else "")
    return purchase
