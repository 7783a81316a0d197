"""Calls to order_service, supplier_service, carrier_service and payment_service.

Every answer is sorted by common.http into three outcomes: a result, `UpstreamRefused` (the
partner said no for good: the purchase fails) or `UpstreamUnavailable` (down, slow, breaker
open, or an answer that may change on a later try: the purchase waits and retries). Refusals
are told apart by status, code, reason and details only, never by the partner's message.
"""

from typing import Any

from common.errors import UpstreamUnavailable
from common.http import UpstreamRefused
from purchases.breakers import partner_client

ORDER = "order_service"
SUPPLIER = "supplier_service"
CARRIER = "carrier_service"
PAYMENT = "payment_service"
# 4xx answers that are final; others (401, 403, 408, 429 …) are worth another try later.
REFUSALS = frozenset({400, 404, 409, 422})

class PaymentDeclined(UpstreamRefused):
    """payment_service declined the card (402); `reason` is the decline code."""

    @property
    def payment_id(self) -> str | None:
        return (self.details or {}).get("payment_id") if isinstance(self.details, dict) else None


class CardRefused(UpstreamRefused):
    """payment_service refused the card token itself (400): no card to charge."""


def _call(service: str, method: str, path: str, *, expect: tuple[int, ...] = (200,),
          **kwargs) -> Any:
    """One call through the partner's breaker: its JSON, or a final refusal (`REFUSALS`), or
    `UpstreamUnavailable` for anything that may change on a later try."""
    try:
        return partner_client(service).call(method, path, expect=expect, **kwargs)
    except UpstreamRefused as exc:
        if exc.status in REFUSALS:
            raise
        raise UpstreamUnavailable(f"{exc}; worth another try later.", service=service) from exc


def _idempotency(reference: str) -> dict[str, str]:
    return {"Idempotency-Key": reference}


def order_get(*, order_id) -> dict | None:
    """The customer's order, or None when order_service does not know it."""
    try:
        return _call(ORDER, "GET", f"/api/orders/{order_id}")
    except UpstreamRefused as exc:
        if exc.status == 404:
            return None
        raise


def order_status_set(*, order_id, status: str) -> dict:
    """Move the order; the same status again is a no-op on order_service's side."""
    return _call(ORDER, "PUT", f"/api/orders/{order_id}/status", json={"status": status})


def supplier_info_get(*, state: str) -> dict:
    """The provider serving region `state` and its address (the carrier's origin); a region
    no provider serves is a 404 refusal naming the state."""
    try:
        return _call(SUPPLIER, "GET", f"/api/info/{state}")
    except UpstreamRefused as exc:
        if exc.status == 404 and not exc.details:
            raise UpstreamRefused(SUPPLIER, exc.status, exc.code, exc.reason,
                                  {"state": state}) from exc
        raise


def supplier_order_create(*, reference: str, items: list[dict]) -> dict:
    """Buy the goods; the same reference always returns the same supplier order."""
    return _call(SUPPLIER, "POST", "/api/order", json={"reference": reference, "items": items},
                 headers=_idempotency(reference), expect=(200, 201))


def supplier_order_cancel(*, order_number: str) -> None:
    """Cancel the supplier order; one already cancelled or shipped (409) is left as it is."""
    try:
        _call(SUPPLIER, "POST", f"/api/order/{order_number}/cancel",
              expect=(200, 201, 202, 204))
    except UpstreamRefused as exc:
        if exc.status != 409:
            raise


def carrier_delivery_create(*, reference: str, origin: dict, destination: dict,
                            items: list[dict]) -> dict:
    """Book the delivery; the same reference always returns the same delivery."""
    body = {"reference": reference, "origin": {"address": origin},
            "destination": {"address": destination}, "items": items}
    return _call(CARRIER, "POST", "/api/delivery", json=body,
                 headers=_idempotency(reference), expect=(200, 201))


def payment_authorize(*, reference: str, amount: str, card_token: str, user_id) -> dict:
    """Hold `amount` on the card; the same reference answers the same payment.

    A decline (402) raises `PaymentDeclined` (final, `reason` the decline code), an unknown
    card token (400 on `card_token`) `CardRefused`; a provider failure is a 503, so
    `UpstreamUnavailable` (the purchase waits and retries).
    """
    body = {"reference": reference, "amount": amount, "currency": "BRL",
            "card_token": card_token, "user_id": str(user_id)}
    try:
        return partner_client(PAYMENT).call("POST", "/api/payments", json=body,
                                            headers=_idempotency(reference), expect=(200, 201))
    except UpstreamRefused as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        if exc.status == 402:
            raise PaymentDeclined(PAYMENT, exc.status, exc.code, exc.reason or "declined",
                                  exc.details) from exc
        if exc.status == 400 and "card_token" in details:
            raise CardRefused(PAYMENT, exc.status, exc.code, exc.reason, exc.details) from exc
        if exc.status in REFUSALS:
            raise
        raise UpstreamUnavailable(f"{exc}; worth another try later.", service=PAYMENT) from exc


def payment_find(*, reference: str) -> dict | None:
    """The payment made for `reference`, if payment_service has one."""
    results = _call(PAYMENT, "GET", "/api/payments", params={"reference": reference})
    results = (results.get("results") if isinstance(results, dict) else None) or []
    return results[0] if results else None


def payment_get(*, payment_id: str) -> dict:
    return _call(PAYMENT, "GET", f"/api/payments/{payment_id}")


def payment_capture(*, payment_id: str) -> dict:
    """Charge the authorized amount; a payment captured before is answered unchanged."""
    return _call(PAYMENT, "POST", f"/api/payments/{payment_id}/capture")


def payment_void(*, payment_id: str) -> dict:
    return _call(PAYMENT, "POST", f"/api/payments/{payment_id}/void")


def payment_refund(*, payment_id: str, idempotency_key: str) -> dict:
    """Refund all that is left; the same key again refunds nothing twice."""
    return _call(PAYMENT, "POST", f"/api/payments/{payment_id}/refund", json={},
                 headers=_idempotency(idempotency_key))
