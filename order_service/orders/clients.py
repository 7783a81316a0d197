"""Calls to user_service and product_service, made through common's service client.

An order needs one call, the reservation, which also answers each product's name and price;
user_service is asked only about a user this service has not learnt from the events yet.

Each call carries a fresh SERVICE token and the request id. Connection errors, timeouts and 5xx
answers arrive as `UpstreamUnavailable`; a 4xx this service does not expect is one too, since
it means the partner is not behaving as its contract says.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import requests
from rest_framework.exceptions import ValidationError

from common.errors import Conflict, UpstreamUnavailable
from common.http import service_client

USER_SERVICE = "user_service"
PRODUCT_SERVICE = "product_service"
RESERVATIONS_PATH = "/api/products/reservations"
# product_service's reason for a reservation refused for want of stock.
INSUFFICIENT_STOCK = "insufficient_stock"
# The reason of a reservation naming products the catalog does not have.
UNKNOWN_PRODUCT = "unknown_product"


def _unexpected(response: requests.Response, service: str) -> UpstreamUnavailable:
    return UpstreamUnavailable(f"{service} answered {response.status_code} unexpectedly.",
                               service=service)


def _json(response: requests.Response, service: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise _unexpected(response, service) from None


def _error(response: requests.Response) -> dict:
    """The `error` object of a partner's envelope ({} when the body is not one): callers
    branch on its `code` and `reason` and pass its `details` on, never read its message."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return {}
    return error if isinstance(error, dict) else {}


def user_exists(*, user_id: uuid.UUID) -> bool:
    """Whether user_service knows an active user with this id."""
    response = service_client(USER_SERVICE).get(f"/api/users/{user_id}")
    if response.status_code == 200:
        return True
    if response.status_code == 404:
        return False
    raise _unexpected(response, USER_SERVICE)


class UnknownProducts(ValidationError):
    """Products product_service does not have: 400 on `items`, with product_service's reason."""

    reason = UNKNOWN_PRODUCT


@dataclass(frozen=True)
class ReservedLine:
    """A line as product_service reserved it: the product's name and price at that moment."""

    name: str
    unit_price: Decimal


def _reserved_lines(response: requests.Response,
                    quantities: dict[uuid.UUID, int]) -> dict[uuid.UUID, ReservedLine]:
    """Name and unit price of every line asked for, from the reservation's answer; an answer
    missing any of them is not what the contract says (UpstreamUnavailable)."""
    try:
        lines = {uuid.UUID(item["product_id"]): ReservedLine(
            name=item["name"], unit_price=Decimal(str(item["unit_price"])))
            for item in _json(response, PRODUCT_SERVICE)["items"]
            if item.get("unit_price") is not None}
    except (AttributeError, KeyError, TypeError, ValueError, ArithmeticError):
        raise _unexpected(response, PRODUCT_SERVICE) from None
    if not all(product_id in lines for product_id in quantities):
        raise _unexpected(response, PRODUCT_SERVICE)
    return lines


def reservation_create(*, reference: str,
                       quantities: dict[uuid.UUID, int]) -> dict[uuid.UUID, ReservedLine]:
    """Reserve stock for every line or none, and learn each product's name and price as it was
    reserved: Conflict when stock is short, UnknownProducts when a product does not exist."""
    response = service_client(PRODUCT_SERVICE).post(RESERVATIONS_PATH, json={
        "reference": reference,
        "items": [{"product_id": str(product_id), "quantity": quantity}
                  for product_id, quantity in quantities.items()],
    })
    if response.status_code in (200, 201):
        return _reserved_lines(response, quantities)
    error = _error(response)
    if response.status_code == 409 and error.get("reason") == INSUFFICIENT_STOCK:
        raise Conflict("Not enough stock for some items.", details=error.get("details"),
                       reason=INSUFFICIENT_STOCK)
    if response.status_code == 400 and error.get("code") == "validation_error":
        details = error.get("details")
        items = details.get("items") if isinstance(details, dict) else None
        raise UnknownProducts({"items": items or ["The products could not be reserved."]})
    raise _unexpected(response, PRODUCT_SERVICE)


def reservation_release(*, reference: str) -> bool:
    """Give a reservation's stock back; False when product_service knows no such reservation."""
    response = service_client(PRODUCT_SERVICE).delete(f"{RESERVATIONS_PATH}/{reference}")
    if response.status_code in (200, 204):
        return True
    if response.status_code == 404:
        return False
    raise _unexpected(response, PRODUCT_SERVICE)
