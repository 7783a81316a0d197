"""Stubs of user_service and product_service answers, at the HTTP boundary."""

import re
import uuid
from decimal import Decimal

import responses

from common.http import service_client

RESERVATIONS = "/api/products/reservations"


def base(service: str) -> str:
    return service_client(service).base_url


def user_url(user_id) -> str:
    return f"{base('user_service')}/api/users/{user_id}"


def products_url() -> str:
    return f"{base('product_service')}/api/products"


def reservations_url() -> str:
    return f"{base('product_service')}{RESERVATIONS}"


def release_url_pattern() -> re.Pattern:
    return re.compile(rf"{re.escape(reservations_url())}/[^/]+$")


def product(*, price="19.99", name=None, product_id=None, stock=100) -> dict:
    product_id = product_id or uuid.uuid4()
    return {"id": str(product_id), "name": name or f"Product {str(product_id)[:8]}",
            "description": "", "price": str(Decimal(price)), "stock": stock,
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}


def stub_user(mock, user_id, *, status=200):
    body = ({"id": str(user_id), "email": "u@example.com", "name": "U", "role": "USER",
             "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
            if status == 200 else {"error": {"status": status, "code": "not_found",
                                             "message": "User not found.", "details": None}})
    mock.add(responses.GET, user_url(user_id), json=body, status=status)


def stub_products(mock, products: list[dict]):
    mock.add(responses.GET, products_url(), status=200, json={
        "count": len(products), "limit": 100, "offset": 0, "results": products})


def stub_reserve(mock, *, status=201, details=None, reason=None):
    """product_service's answer to a reservation; a 409 is for want of stock unless told."""
    if status in (200, 201):
        body = {"reference": "x", "items": [], "status": "reserved"}
    else:
        code = {409: "conflict", 400: "validation_error"}.get(status, "error")
        body = {"error": {"status": status, "code": code, "message": "no", "details": details}}
        if status == 409:
            body["error"]["reason"] = reason or "insufficient_stock"
    mock.add(responses.POST, reservations_url(), json=body, status=status)


def stub_release(mock, *, status=204):
    mock.add(responses.DELETE, release_url_pattern(), status=status)


def stub_happy_path(mock, user_id, products: list[dict]):
    stub_user(mock, user_id)
    stub_products(mock, products)
    stub_reserve(mock)
    stub_release(mock)


def calls_to(mock, method: str, url_start: str) -> list:
    return [call for call in mock.calls
            if call.request.method == method and call.request.url.startswith(url_start)]
