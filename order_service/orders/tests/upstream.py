"""Stubs of user_service and product_service answers, at the HTTP boundary."""

import json
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


def _reserved(products: list[dict] | None):
    """A reservation answered as product_service answers it: each line with its product's name
    and price, or 400 `unknown_product` when a line names a product not among `products`."""
    by_id = {p["id"]: p for p in products} if products is not None else None

    def answer(request):
        body = json.loads(request.body)
        unknown = [item["product_id"] for item in body["items"]
                   if by_id is not None and item["product_id"] not in by_id]
        if unknown:
            return 400, {}, json.dumps({"error": {
                "status": 400, "code": "validation_error", "message": "Invalid input.",
                "reason": "unknown_product",
                "details": {"items": [f"Unknown product {pid}." for pid in unknown]}}})
        lines = []
        for item in body["items"]:
            known = by_id[item["product_id"]] if by_id is not None else product(
                product_id=item["product_id"])
            lines.append({"product_id": item["product_id"], "quantity": item["quantity"],
                          "name": known["name"], "unit_price": known["price"]})
        return 201, {}, json.dumps({"reference": body["reference"], "items": lines,
                                    "status": "reserved", "created_at": "2026-01-01T00:00:00Z",
                                    "released_at": None})

    return answer


def stub_reserve(mock, *, status=201, details=None, reason=None, products=None):
    """product_service's answer to a reservation; a 409 is for want of stock unless told.
    A success prices each line from `products` (any product when None)."""
    if status in (200, 201):
        mock.add_callback(responses.POST, reservations_url(), callback=_reserved(products),
                          content_type="application/json")
        return
    code = {409: "conflict", 400: "validation_error"}.get(status, "error")
    body = {"error": {"status": status, "code": code, "message": "no", "details": details}}
    if status == 409:
        body["error"]["reason"] = reason or "insufficient_stock"
    elif status == 400:
        body["error"]["reason"] = reason or "unknown_product"
    mock.add(responses.POST, reservations_url(), json=body, status=status)


def stub_release(mock, *, status=204):
    """product_service's answer to a release: 204, or an error envelope (404: no such
    reservation)."""
    if status == 204:
        mock.add(responses.DELETE, release_url_pattern(), status=status)
        return
    code = {404: "not_found"}.get(status, "error")
    mock.add(responses.DELETE, release_url_pattern(), status=status, json={"error": {
        "status": status, "code": code, "message": "no", "details": None}})


def stub_happy_path(mock, user_id, products: list[dict]):
    """user_service knows the user (asked only about someone else than the caller), the
    reservation prices the lines from `products`, releases succeed."""
    stub_user(mock, user_id)
    stub_reserve(mock, products=products)
    stub_release(mock)


def calls_to(mock, method: str, url_start: str) -> list:
    return [call for call in mock.calls
            if call.request.method == method and call.request.url.startswith(url_start)]
