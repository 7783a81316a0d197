"""Calls to user_service and product_service, made through common's service client.

Each call carries a fresh SERVICE token and the request id. Connection errors, timeouts and 5xx
answers arrive as `UpstreamUnavailable`; a 4xx this service does not expect is one too, since
it means the partner is not behaving as its contract says.
"""

import uuid
from typing import Any

import requests
from rest_framework.exceptions import ValidationError

from common.errors import Conflict, UpstreamUnavailable
from common.http import service_client

USER_SERVICE = "user_service"
PRODUCT_SERVICE = "product_service"
BATCH_LIMIT = 100
RESERVATIONS_PATH = "/api/products/reservations"
# product_service's reason for a reservation refused for want of stock.
INSUFFICIENT_STOCK = "insufficient_stock"


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


def product_list_by_ids(*, product_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict]:
    """The products among these ids, by id, fetched in one call (unknown ids are absent)."""
    response = service_client(PRODUCT_SERVICE).get("/api/products", params={
        "ids": ",".join(str(product_id) for product_id in product_ids), "limit": BATCH_LIMIT})
    if response.status_code != 200:
        raise _unexpected(response, PRODUCT_SERVICE)
    try:
        return {uuid.UUID(product["id"]): product
                for product in _json(response, PRODUCT_SERVICE)["results"]}
    except (KeyError, TypeError, ValueError):
        raise _unexpected(response, PRODUCT_SERVICE) from None


def reservation_create(*, reference: str, quantities: dict[uuid.UUID, int]) -> None:
    """Reserve stock for every line or none: Conflict when stock is short."""
    response = service_client(PRODUCT_SERVICE).post(RESERVATIONS_PATH, json={
        "reference": reference,
        "items": [{"product_id": str(product_id), "quantity": quantity}
                  for product_id, quantity in quantities.items()],
    })
    if response.status_code in (200, 201):
        return
    error = _error(response)
    if response.status_code == 409 and error.get("reason") == INSUFFICIENT_STOCK:
        raise Conflict("Not enough stock for some items.", details=error.get("details"),
                       reason=INSUFFICIENT_STOCK)
    if response.status_code == 400 and error.get("code") == "validation_error":
        details = error.get("details")
        items = details.get("items") if isinstance(details, dict) else None
        raise ValidationError({"items": items or ["The products could not be reserved."]})
    raise _unexpected(response, PRODUCT_SERVICE)


def reservation_release(*, reference: str) -> bool:
    """Give a reservation's stock back; False when product_service knows no such reservation."""
    response = service_client(PRODUCT_SERVICE).delete(f"{RESERVATIONS_PATH}/{reference}")
    if response.status_code in (200, 204):
        return True
    if response.status_code == 404:
        return False
    raise _unexpected(response, PRODUCT_SERVICE)
