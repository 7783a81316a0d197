"""Writes on purchases: create one for a pending order, retry it now, and the worker's pass."""

import logging
from collections.abc import Callable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.exceptions import NotFound, ValidationError
from vouchers.services import voucher_discount, voucher_redeem

from common.errors import Conflict, PaymentDeclined, UpstreamUnavailable
from common.http import UpstreamRefused
from common.tracing import inject_context, linked_span
from purchases import partners, states
from purchases.fulfilment import (
    CARD_REFUSED,
    claim_until,
    purchase_advance,
    purchase_postpone,
)
from purchases.models import Purchase
from purchases.states import purchase_state_begin

logger = logging.getLogger("purchases.services")

ORDER_NOT_FOUND = "Order not found."
ALREADY_ACTIVE = "This order already has an active purchase."


# Purchases a worker still has work to do on: open ones, and failed ones not yet settled.
UNFINISHED = Q(state__in=states.OPEN) | Q(state=states.FAILED, compensation_pending=True)


def _order_for(*, order_id, user_id) -> dict:
    try:
        order = partners.order_get(order_id=order_id)
    except UpstreamUnavailable as exc:
        raise UpstreamUnavailable("order_service is unavailable. Try again later.",
                                  service=partners.ORDER) from exc
    except UpstreamRefused as exc:
        raise NotFound(ORDER_NOT_FOUND) from exc
    if order is None or str(order.get("user_id")) != str(user_id):
        raise NotFound(ORDER_NOT_FOUND)
    if order.get("status") != "pending":
        raise ValidationError({"order_id": [
            f"The order is {order.get('status')}; only a pending order can be purchased."]})
    return order


def _order_items(order: dict) -> list[dict]:
    return [{"product_id": str(item["product_id"]), "name": item.get("name", ""),
             "unit_price": str(item.get("unit_price", "")), "quantity": int(item["quantity"]),
             "line_total": str(item.get("line_total", ""))}
            for item in order.get("items") or []]


def purchase_create(*, user_id, order_id, address: dict, card_token: str,
                    voucher_code: str | None = None, first_step_only: bool = False) -> Purchase:
    """Check the order and the voucher, save the purchase as RECEIVED, then run it once.

    With `first_step_only` the run stops once the payment is decided and the worker takes
    the purchase from there at its next pass. A card declined during this run raises 402
    `payment_declined` with the decline's `reason` and `details.purchase_id` (the purchase is
    FAILED and compensated). A second active purchase of the order is refused by the table's
    one-active-purchase constraint (409).
    """
    order = _order_for(order_id=order_id, user_id=user_id)
    subtotal = Decimal(str(order["total_amount"])).quantize(Decimal("0.01"))
    try:
        with transaction.atomic():
            voucher = voucher_redeem(code=voucher_code) if voucher_code else None
            discount = voucher_discount(voucher=voucher, subtotal=subtotal) if voucher else (
                Decimal("0.00"))
            now = timezone.now()
            purchase = Purchase.objects.create(
                user_id=user_id, order_id=order_id,
                street=address["street"], number=address["number"],
                complement=address.get("complement") or "",
                district=address.get("district") or "", city=address["city"],
                address_state=address["state"], zip_code=address["zip_code"],
                country=address.get("country") or "BR",
                items=_order_items(order), voucher=voucher,
                voucher_code=voucher.code if voucher else "",
                subtotal=subtotal, discount=discount, total=max(subtotal - discount, Decimal(0)),
                card_token=card_token,
                created_at=now, updated_at=now, next_attempt_at=claim_until(),
                trace_context=inject_context(),
            )
            purchase_state_begin(purchase=purchase)
    except IntegrityError as exc:  # a concurrent purchase of the same order won the race
        raise Conflict(ALREADY_ACTIVE) from exc
    purchase = purchase_advance(purchase=purchase, steps=1 if first_step_only else None)
    if first_step_only and purchase.state in states.OPEN and not purchase.last_error:
        # Due for the worker now, not when the request's claim would have run out.
        purchase.next_attempt_at = timezone.now()
        Purchase.objects.filter(pk=purchase.pk, state=purchase.state).update(
            next_attempt_at=purchase.next_attempt_at)
    if purchase.state == states.FAILED and purchase.failure_reason.startswith(CARD_REFUSED):
        raise ValidationError({"payment": {"card_token": [
            "payment_service does not know this card token; the order is still pending."]}})
    payment = purchase.payment or {}
    if purchase.state == states.FAILED and payment.get("status") == "declined":
        reason = payment.get("reason") or "card_declined"
        raise PaymentDeclined(f"The card was declined ({reason}); the purchase failed.",
                              details={"purchase_id": str(purchase.id)}, reason=reason)
    return purchase


def purchase_retry(*, purchase: Purchase) -> Purchase:
    """Try the remaining steps now instead of waiting for the worker."""
    with transaction.atomic():
        locked = Purchase.objects.select_for_update().get(pk=purchase.pk)
        if locked.state in states.FINAL and not locked.compensation_pending:
            raise Conflict(f"This purchase is {locked.state}; there is nothing to retry.")
        locked.next_attempt_at = claim_until()
        locked.save(update_fields=["next_attempt_at"])
    return purchase_advance(purchase=locked)


def purchases_claim_due(*, limit: int) -> list[Purchase]:
    """Take up to `limit` due purchases for this worker.

    The rows are locked with SKIP LOCKED, so a concurrent worker passes over them, and their
    `next_attempt_at` is pushed past the claim period, so they stay ours after the commit.
    """
    now = timezone.now()
    with transaction.atomic():
        due = list(Purchase.objects.select_for_update(skip_locked=True)
                   .filter(UNFINISHED, next_attempt_at__lte=now)
                   .order_by("next_attempt_at", "created_at")[:limit])
        if due:
            until = claim_until()
            Purchase.objects.filter(pk__in=[p.pk for p in due]).update(next_attempt_at=until)
            for purchase in due:
                purchase.next_attempt_at = until
    return due


def _release(purchases: list[Purchase]) -> None:
    Purchase.objects.filter(UNFINISHED, pk__in=[p.pk for p in purchases]).update(
        next_attempt_at=timezone.now())


def purchases_process_due(*, limit: int, should_stop: Callable[[], bool] = lambda: False) -> int:
    """One worker pass: claim and advance due purchases until none is left; returns how many."""
    processed = 0
    while not should_stop():
        batch = purchases_claim_due(limit=limit)
        if not batch:
            break
        for index, purchase in enumerate(batch):
            if should_stop():
                _release(batch[index:])  # not started: due again for the next worker
                return processed
            try:
                with linked_span("purchase.resume", purchase.trace_context):
                    purchase_advance(purchase=purchase)
            except Exception as exc:  # one broken purchase must not stop the worker
                logger.exception("purchase %s: unexpected error", purchase.id)
                purchase.refresh_from_db()
                purchase_postpone(purchase=purchase, error=f"unexpected error: {exc!r}")
            processed += 1
    return processed
