"""The purchase orchestrator: drive one purchase through the supplier and the carrier.

Each step persists its outcome before the next call goes out. Partner calls carry an
idempotency key made of the purchase id and the step, so repeating a step after a crash or a
timeout finds the partner's first answer instead of creating a second order or delivery.
"""

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from vouchers.services import voucher_release

from purchases import partners, states
from purchases.models import Purchase
from purchases.partners import PartnerRefused, PartnerUnavailable
from purchases.states import IllegalMove, purchase_state_move

logger = logging.getLogger("purchases.fulfilment")

RETRIES_EXHAUSTED = "retries exhausted"


def supplier_reference(purchase: Purchase) -> str:
    return f"{purchase.id}:order"


def carrier_reference(purchase: Purchase) -> str:
    return f"{purchase.id}:delivery"


def retry_delay(*, attempts: int) -> timedelta:
    """Exponential backoff with jitter: base·2^(n-1) capped, then a random 50-100 % of it."""
    base = settings.PURCHASE_RETRY_BASE_SECONDS
    ceiling = settings.PURCHASE_RETRY_MAX_SECONDS
    delay = min(ceiling, base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=random.uniform(delay / 2, delay))


def _partner_items(purchase: Purchase) -> list[dict]:
    return [{"product_id": str(item["product_id"]), "quantity": int(item["quantity"])}
            for item in purchase.items]


def _save(purchase: Purchase, **fields) -> None:
    for name, value in fields.items():
        setattr(purchase, name, value)
    purchase.updated_at = timezone.now()
    purchase.save(update_fields=[*fields, "updated_at"])


def _request_supplier_order(purchase: Purchase) -> None:
    """RECEIVED -> ORDER_REQUESTED: the provider for the region, then the supplier order."""
    if not purchase.info_provider:
        provider = partners.supplier_info_get(state=purchase.address_state)
        _save(purchase, info_provider=provider)
    reference = supplier_reference(purchase)
    supplier_order = partners.supplier_order_create(reference=reference,
                                                    items=_partner_items(purchase))
    purchase_state_move(
        purchase=purchase, to=states.ORDER_REQUESTED,
        note=f"Supplier order {supplier_order.get('order_number', '?')} accepted.",
        fields={"info_order": supplier_order, "last_error": ""})


def _book_delivery(purchase: Purchase) -> None:
    """ORDER_REQUESTED -> RESERVE_DELIVERED: book the carrier, then mark the order processing."""
    origin = (purchase.info_provider or {}).get("address") or {}
    delivery = partners.carrier_delivery_create(
        reference=carrier_reference(purchase), origin=origin, destination=purchase.address,
        items=_partner_items(purchase))
    _save(purchase, info_delivery=delivery)
    partners.order_status_set(order_id=purchase.order_id, status="processing")
    purchase_state_move(
        purchase=purchase, to=states.RESERVE_DELIVERED,
        note=f"Delivery {delivery.get('tracking_code', '?')} scheduled; order processing.",
        fields={"last_error": "", "next_attempt_at": None})


def purchase_advance(*, purchase: Purchase) -> Purchase:
    """Run the remaining steps once: the purchase ends delivered, failed or waiting to retry."""
    try:
        if purchase.state == states.RECEIVED:
            _request_supplier_order(purchase)
        if purchase.state == states.ORDER_REQUESTED:
            _book_delivery(purchase)
    except PartnerRefused as exc:
        purchase_fail(purchase=purchase, reason=str(exc))
    except PartnerUnavailable as exc:
        purchase_postpone(purchase=purchase, error=str(exc))
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


def purchase_fail(*, purchase: Purchase, reason: str) -> Purchase:
    """Give up: move to FAILED, then cancel the supplier order and the customer's order."""
    try:
        purchase_state_move(purchase=purchase, to=states.FAILED, note=reason,
                            fields={"failure_reason": reason[:2000], "next_attempt_at": None})
    except IllegalMove:
        purchase.refresh_from_db()
        return purchase
    if purchase.voucher_id is not None:
        voucher_release(voucher_id=purchase.voucher_id)
    problems = []
    order_number = (purchase.info_order or {}).get("order_number")
    if order_number:
        try:
            partners.supplier_order_cancel(order_number=order_number)
        except (PartnerRefused, PartnerUnavailable) as exc:
            problems.append(str(exc))
    try:
        partners.order_status_set(order_id=purchase.order_id, status="cancelled")
    except (PartnerRefused, PartnerUnavailable) as exc:
        problems.append(str(exc))
    if problems:
        logger.warning("purchase %s: compensation incomplete: %s", purchase.id, problems,
                       extra={"purchase_id": str(purchase.id)})
        _save(purchase, last_error=("compensation incomplete: " + "; ".join(problems))[:2000])
    return purchase
