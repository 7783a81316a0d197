"""Calls to order_service, supplier_service, carrier_service and payment_service.

Every answer is sorted into three outcomes: a result, `PartnerRefused` (the partner said no for
good: the purchase fails) or `PartnerUnavailable` (down, slow, breaker open, or an answer that
may change on a later try: the purchase waits and retries).
"""

from typing import Any

import pybreaker
import requests

from common.errors import UpstreamUnavailable
from purchases.breakers import partner_client

ORDER = "order_service"
SUPPLIER = "supplier_service"
CARRIER = "carrier_service"
PAYMENT = "payment_service"
# 4xx answers that are final; others (401, 403, 408, 429 …) are worth another try later.
REFUSALS = frozenset({400, 404, 409, 422})


class PartnerRefused(Exception):
    """A partner refused the request for good."""

    def __init__(self, service: str, message: str, *, status: int | None = None):
        super().__init__(f"{service} refused: {message}")
        self.service = service
        self.status = status


class PaymentDeclined(PartnerRefused):
    """payment_service declined the card (402); `reason` is the decline code."""

    def __init__(self, message: str, *, reason: str, payment_id: str | None):
        super().__init__(PAYMENT, message, status=402)
        self.reason = reason
        self.payment_id = payment_id


class CardRefused(PartnerRefused):
    """payment_service refused the card token itself (400): no card to charge."""

    def __init__(self, message: str):
        super().__init__(PAYMENT, message, status=400)


class PartnerUnavailable(Exception):
    """A partner could not answer now; try again later."""

    def __init__(self, service: str, message: str):
        super().__init__(f"{service} unavailable: {message}")
        self.service = service


def _call(service: str, method: str, path: str, **kwargs) -> requests.Response:
    try:
        return partner_client(service).request(method, path, **kwargs)
    except UpstreamUnavailable as exc:
        raise PartnerUnavailable(service, str(exc.detail)) from exc
    except pybreaker.CircuitBreakerError as exc:
        raise PartnerUnavailable(service, f"circuit open, call not attempted ({exc})") from exc


def _error(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _error_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        message = error.get("message") or error.get("code") or ""
        details = error.get("details")
        return f"HTTP {response.status_code}: {message}" + (f" {details}" if details else "")
    return f"HTTP {response.status_code}: {body}"[:300]


def _json(service: str, response: requests.Response, *, expect: tuple[int, ...]) -> Any:
    if response.status_code in expect:
        try:
            return response.json()
        except ValueError as exc:
            raise PartnerUnavailable(service, "answered with a body that is not JSON") from exc
    if response.status_code in REFUSALS:
        raise PartnerRefused(service, _error_message(response), status=response.status_code)
    raise PartnerUnavailable(service, _error_message(response))


def _idempotency(reference: str) -> dict[str, str]:
    return {"Idempotency-Key": reference}


def order_get(*, order_id) -> dict | None:
    """The customer's order, or None when order_service does not know it."""
    response = _call(ORDER, "GET", f"/api/orders/{order_id}")
    if response.status_code == 404:
        return None
    return _json(ORDER, response, expect=(200,))


def order_status_set(*, order_id, status: str) -> dict:
    """Move the order; the same status again is a no-op on order_service's side."""
    response = _call(ORDER, "PUT", f"/api/orders/{order_id}/status", json={"status": status})
    return _json(ORDER, response, expect=(200,))


def supplier_info_get(*, state: str) -> dict:
    """The provider serving region `state` and its address (the carrier's origin)."""
    response = _call(SUPPLIER, "GET", f"/api/info/{state}")
    return _json(SUPPLIER, response, expect=(200,))


def supplier_order_create(*, reference: str, items: list[dict]) -> dict:
    """Buy the goods; the same reference always returns the same supplier order."""
    response = _call(SUPPLIER, "POST", "/api/order", json={"reference": reference, "items": items},
                     headers=_idempotency(reference))
    return _json(SUPPLIER, response, expect=(200, 201))


def supplier_order_cancel(*, order_number: str) -> None:
    response = _call(SUPPLIER, "POST", f"/api/order/{order_number}/cancel")
    if response.status_code not in (200, 201, 202, 204, 409):  # 409: already cancelled/shipped
        _json(SUPPLIER, response, expect=())


def carrier_delivery_create(*, reference: str, origin: dict, destination: dict,
                            items: list[dict]) -> dict:
    """Book the delivery; the same reference always returns the same delivery."""
    body = {"reference": reference, "origin": {"address": origin},
            "destination": {"address": destination}, "items": items}
    response = _call(CARRIER, "POST", "/api/delivery", json=body,
                     headers=_idempotency(reference))
    return _json(CARRIER, response, expect=(200, 201))


def _payment(response: requests.Response, *, expect: tuple[int, ...] = (200,)) -> dict:
    return _json(PAYMENT, response, expect=expect)


def payment_authorize(*, reference: str, amount: str, card_token: str, user_id) -> dict:
    """Hold `amount` on the card; the same reference answers the same payment.

    A decline raises `PaymentDeclined` (final), an unknown card token `CardRefused`; a
    provider failure is a 503, so `PartnerUnavailable` (the purchase waits and retries).
    """
    body = {"reference": reference, "amount": amount, "currency": "BRL",
            "card_token": card_token, "user_id": str(user_id)}
    response = _call(PAYMENT, "POST", "/api/payments", json=body,
                     headers=_idempotency(reference))
    if response.status_code == 402:
        error = _error(response)
        raise PaymentDeclined(_error_message(response), reason=error.get("reason") or "declined",
                              payment_id=(error.get("details") or {}).get("payment_id"))
    if response.status_code == 400 and "card_token" in (_error(response).get("details") or {}):
        raise CardRefused(_error_message(response))
    return _payment(response, expect=(200, 201))


def payment_find(*, reference: str) -> dict | None:
    """The payment made for `reference`, if payment_service has one."""
    response = _call(PAYMENT, "GET", "/api/payments", params={"reference": reference})
    results = _payment(response).get("results") or []
    return results[0] if results else None


def payment_get(*, payment_id: str) -> dict:
    return _payment(_call(PAYMENT, "GET", f"/api/payments/{payment_id}"))


def payment_capture(*, payment_id: str) -> dict:
    """Charge the authorized amount; a payment captured before is answered unchanged."""
    return _payment(_call(PAYMENT, "POST", f"/api/payments/{payment_id}/capture"))


def payment_void(*, payment_id: str) -> dict:
    return _payment(_call(PAYMENT, "POST", f"/api/payments/{payment_id}/void"))


def payment_refund(*, payment_id: str, idempotency_key: str) -> dict:
    """Refund all that is left; the same key again refunds nothing twice."""
    response = _call(PAYMENT, "POST", f"/api/payments/{payment_id}/refund", json={},
                     headers=_idempotency(idempotency_key))
    return _payment(response)
