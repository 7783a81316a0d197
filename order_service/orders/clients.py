"""Calls to user_service and product_service, made through common's service client.

An order needs one call, the reservation, which also answers each product's name and price;
user_service is asked only about a user this service has not learnt from the events yet.

Each call goes through `ServiceClient.call` with a fresh SERVICE token and the request id.
Connection errors, timeouts, 5xx and non-JSON answers arrive as `UpstreamUnavailable`; a 4xx
arrives as `UpstreamRefused` and is told apart by status, code and reason only; one this service
does not expect becomes `UpstreamUnavailable`, since the partner is not behaving as its
contract says.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rest_framework.exceptions import ValidationError

from common.errors import Conflict, UpstreamUnavailable
from common.http import UpstreamRefused, service_client

USER_SERVICE = "user_service"
PRODUCT_SERVICE = "product_service"
RESERVATIONS_PATH = "/api/products/reservations"
# product_service's reason for a reservation refused for want of stock.
INSUFFICIENT_STOCK = "insufficient_stock"
# The reason of a reservation naming products the catalog does not have.
UNKNOWN_PRODUCT = "unknown_product"


def _unexpected(refused: UpstreamRefused) -> UpstreamUnavailable:
    """A refusal this service does not expect: the partner is not behaving as its contract
    says, which the caller's client sees as the partner being unavailable."""
    return UpstreamUnavailable(f"{refused.service} answered {refused.status} unexpectedly.",
                               service=refused.service)


def user_exists(*, user_id: uuid.UUID) -> bool:
    """Whether user_service knows an active user with this id."""
    try:
        service_client(USER_SERVICE).call("GET", f"/api/users/{user_id}")
    except UpstreamRefused as exc:
        if exc.status == 404:
            return False
        raise _unexpected(exc) from exc
    return True


class UnknownProducts(ValidationError):
    """Products product_service does not have: 400 on `items`, with product_service's reason."""

    reason = UNKNOWN_PRODUCT


@dataclass(frozen=True)
class ReservedLine:
    """A line as product_service reserved it: the product's name and price at that moment."""

    name: str
    unit_price: Decimal


def _reserved_lines(body: Any,
                    quantities: dict[uuid.UUID, int]) -> dict[uuid.UUID, ReservedLine]:
    """Name and unit price of every line asked for, from the reservation's answer; an answer
    missing any of them is not what the contract says (UpstreamUnavailable)."""
    unexpected = UpstreamUnavailable(f"{PRODUCT_SERVICE} answered a reservation unexpectedly.",
                                     service=PRODUCT_SERVICE)
    try:
        lines = {uuid.UUID(item["product_id"]): ReservedLine(
            name=item["name"], unit_price=Decimal(str(item["unit_price"])))
            for item in body["items"]
            if item.get("unit_price") is not None}
    except (AttributeError, KeyError, TypeError, ValueError, ArithmeticError):
        raise unexpected from None
    if not all(product_id in lines for product_id in quantities):
        raise unexpected
    return lines


def reservation_create(*, reference: str,
                       quantities: dict[uuid.UUID, int]) -> dict[uuid.UUID, ReservedLine]:
    """Reserve stock for every line or none, and learn each product's name and price as it was
    reserved: Conflict when stock is short, UnknownProducts when a product does not exist."""
    try:
        body = service_client(PRODUCT_SERVICE).call("POST", RESERVATIONS_PATH, json={
            "reference": reference,
            "items": [{"product_id": str(product_id), "quantity": quantity}
                      for product_id, quantity in quantities.items()],
        }, expect=(200, 201))
    except UpstreamRefused as exc:
        if exc.status == 409 and exc.reason == INSUFFICIENT_STOCK:
            raise Conflict("Not enough stock for some items.", details=exc.details,
                           reason=INSUFFICIENT_STOCK) from exc
        if exc.status == 400 and exc.code == "validation_error":
            items = exc.details.get("items") if isinstance(exc.details, dict) else None
            raise UnknownProducts(
                {"items": items or ["The products could not be reserved."]}) from exc
        raise _unexpected(exc) from exc
    return _reserved_lines(body, quantities)


def reservation_release(*, reference: str) -> bool:
    """Give a reservation's stock back; False when product_service knows no such reservation."""
    try:
        service_client(PRODUCT_SERVICE).call("DELETE", f"{RESERVATIONS_PATH}/{reference}",
                                             expect=(200, 204))
    except UpstreamRefused as exc:
        if exc.status == 404:
            return False
        raise _unexpected(exc) from exc
    return True
