"""Fake order_service, supplier, carrier and payment_service, served through `responses`."""

import itertools
import json
import re
import threading
import time
import uuid
from decimal import Decimal

import requests
import responses
from django.conf import settings

ORDER_MOVES = {"pending": {"processing", "cancelled"}, "processing": {"completed", "cancelled"}}
DECLINES = {"tok_chargeDeclined": "card_declined", "tok_insufficientFunds": "insufficient_funds"}
CARDS = {"tok_visa": ("visa", "4242"), "tok_mastercard": ("mastercard", "4444"),
         "tok_chargeDeclined": ("visa", "0002"), "tok_insufficientFunds": ("visa", "9995")}
PROVIDER_ADDRESS = {"street": "Rua do Fornecedor", "number": "100", "complement": "",
                    "district": "Centro", "city": "Sao Paulo", "state": "SP",
                    "zip_code": "01000-000", "country": "BR"}


def _json(status: int, body) -> tuple[int, dict, str]:
    return status, {"Content-Type": "application/json"}, json.dumps(body)


def _error(status: int, code: str, message: str, details=None) -> tuple[int, dict, str]:
    return _json(status, {"error": {"status": status, "code": code, "message": message,
                                    "details": details, "request_id": "test"}})


class FakePartners:
    """The four partners with switches: `down` (connection refused) and `refuse` (4xx).

    The payment fake answers as payment_service does: test card tokens, idempotent by
    reference, capture once, void only what is held, refund what was captured.
    """

    def __init__(self, rsps: responses.RequestsMock):
        self.lock = threading.Lock()
        self.orders: dict[str, dict] = {}
        self.supplier_orders: dict[str, dict] = {}
        self.deliveries: dict[str, dict] = {}
        self.supplier_posts: list[dict] = []  # {"reference", "idempotency_key", "items"}
        self.delivery_posts: list[dict] = []
        self.supplier_cancels: list[str] = []
        self.status_puts: list[tuple[str, str]] = []
        self.payments: dict[str, dict] = {}  # by id
        self.payment_ops: list[tuple[str, str]] = []  # (kind, payment id) that moved money
        self.down = {"order": False, "supplier": False, "carrier": False, "payment": False}
        self.refuse: dict[str, int | None] = {"supplier": None, "carrier": None}
        self.counter = itertools.count(1)
        self.supplier_latency = 0.0  # seconds; lets concurrent workers overlap in tests
        self.on_delivery = None  # called on each delivery post: a test's change of the world
        self.order_url = settings.SERVICE_URLS["order_service"]
        self.supplier_url = settings.SERVICE_URLS["supplier_service"]
        self.carrier_url = settings.SERVICE_URLS["carrier_service"]
        self.payment_url = settings.SERVICE_URLS["payment_service"]
        for method, base, path, handler in (
            ("GET", self.order_url, r"/api/orders/[^/]+", self._order_get),
            ("PUT", self.order_url, r"/api/orders/[^/]+/status", self._order_status),
            ("GET", self.supplier_url, r"/api/info/[^/]+", self._supplier_info),
            ("POST", self.supplier_url, r"/api/order", self._supplier_order),
            ("POST", self.supplier_url, r"/api/order/[^/]+/cancel", self._supplier_cancel),
            ("POST", self.carrier_url, r"/api/delivery", self._delivery),
            ("POST", self.payment_url, r"/api/payments", self._payment_create),
            ("GET", self.payment_url, r"/api/payments(\?.*)?", self._payment_list),
            ("GET", self.payment_url, r"/api/payments/[^/?]+", self._payment_get),
            ("POST", self.payment_url, r"/api/payments/[^/]+/(capture|void|refund)",
             self._payment_move),
        ):
            rsps.add_callback(method, re.compile(re.escape(base) + path + "$"), callback=handler)

    # -- set-up -------------------------------------------------------------------------------
    def add_order(self, *, user_id, status="pending", total="50.00", items=None) -> dict:
        order_id = str(uuid.uuid4())
        items = items or [{"product_id": str(uuid.uuid4()), "name": "Widget",
                           "unit_price": "25.00", "quantity": 2, "line_total": "50.00"}]
        order = {"id": order_id, "user_id": str(user_id), "items": items,
                 "total_amount": str(Decimal(total)), "status": status,
                 "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
        self.orders[order_id] = order
        return order

    def supplier_post_count(self, purchase_id) -> int:
        return sum(1 for post in self.supplier_posts if post["reference"] == f"{purchase_id}:order")

    def calls_to(self, rsps: responses.RequestsMock, base: str) -> int:
        return sum(1 for call in rsps.calls if call.request.url.startswith(base))

    # -- handlers -----------------------------------------------------------------------------
    def _is_down(self, partner: str):
        if self.down[partner]:
            return requests.ConnectionError(f"{partner} refused the connection")
        return None

    def _order_get(self, request):
        if down := self._is_down("order"):
            return down
        order = self.orders.get(request.url.rstrip("/").rsplit("/", 1)[-1])
        return _json(200, order) if order else _error(404, "not_found", "Order not found.")

    def _order_status(self, request):
        if down := self._is_down("order"):
            return down
        order_id = request.url.rstrip("/").split("/")[-2]
        status = json.loads(request.body)["status"]
        with self.lock:
            self.status_puts.append((order_id, status))
            order = self.orders.get(order_id)
            if order is None:
                return _error(404, "not_found", "Order not found.")
            if status != order["status"]:
                if status not in ORDER_MOVES.get(order["status"], set()):
                    return _error(409, "conflict", f"{order['status']} -> {status}")
                order["status"] = status
        return _json(200, order)

    def _supplier_info(self, request):
        if down := self._is_down("supplier"):
            return down
        state = request.url.rstrip("/").rsplit("/", 1)[-1]
        if state not in {"SP", "RJ", "MG"}:
            return _error(404, "not_found", f"No provider serves {state}.")
        return _json(200, {"state": state, "provider_name": f"Provider {state}",
                           "address": {**PROVIDER_ADDRESS, "state": state},
                           "lead_time_days": 2})

    def _supplier_order(self, request):
        if down := self._is_down("supplier"):
            return down
        body = json.loads(request.body)
        time.sleep(self.supplier_latency)
        with self.lock:
            self.supplier_posts.append({
                "reference": body["reference"], "items": body["items"],
                "idempotency_key": request.headers.get("Idempotency-Key")})
            if self.refuse["supplier"]:
                return _error(self.refuse["supplier"], "conflict", "Not enough supplier stock.",
                              details={"items": [{"product_id": item["product_id"],
                                                  "requested": item["quantity"], "available": 0}
                                                 for item in body["items"]]})
            order = self.supplier_orders.get(body["reference"])
            if order is None:
                order = self.supplier_orders[body["reference"]] = {
                    "order_number": f"SUP-{next(self.counter):05d}",
                    "reference": body["reference"], "status": "CONFIRMED",
                    "items": body["items"], "estimated_ship_date": "2026-01-03"}
        return _json(201, order)

    def _supplier_cancel(self, request):
        if down := self._is_down("supplier"):
            return down
        number = request.url.rstrip("/").split("/")[-2]
        with self.lock:
            self.supplier_cancels.append(number)
        return _json(200, {"order_number": number, "status": "CANCELLED"})

    def _delivery(self, request):
        if down := self._is_down("carrier"):
            return down
        body = json.loads(request.body)
        if self.on_delivery is not None:
            self.on_delivery()
        with self.lock:
            self.delivery_posts.append(body)
            if self.refuse["carrier"]:
                return _error(self.refuse["carrier"], "validation_error", "Unusable address.")
            delivery = self.deliveries.get(body["reference"])
            if delivery is None:
                delivery = self.deliveries[body["reference"]] = {
                    "tracking_code": f"TRK{next(self.counter):07d}",
                    "reference": body["reference"], "status": "SCHEDULED",
                    "estimated_delivery_date": "2026-01-06", "cost": "12.50"}
        return _json(201, delivery)

    # -- payment_service ----------------------------------------------------------------------
    def payment_for(self, purchase_id) -> dict | None:
        return next((p for p in self.payments.values() if p["reference"] == str(purchase_id)),
                    None)

    def ops_for(self, purchase_id) -> list[str]:
        payment = self.payment_for(purchase_id)
        return [kind for kind, pid in self.payment_ops if payment and pid == payment["id"]]

    def _payment_create(self, request):
        if down := self._is_down("payment"):
            return down
        body = json.loads(request.body)
        token = body["card_token"]
        if token == "tok_processingError":
            return _error(503, "upstream_unavailable", "The card provider is unavailable.")
        if token not in CARDS:
            return _json(400, {"error": {
                "status": 400, "code": "validation_error", "message": "Invalid input.",
                "details": {"card_token": ["Unknown card token."]}, "request_id": "test"}})
        with self.lock:
            payment = self.payment_for(body["reference"])
            created = payment is None
            if created:
                brand, last4 = CARDS[token]
                declined = DECLINES.get(token)
                payment = {"id": str(uuid.uuid4()), "reference": body["reference"],
                           "amount": body["amount"], "currency": "BRL",
                           "status": "declined" if declined else "authorized",
                           "card_brand": brand, "card_last4": last4,
                           "captured_amount": "0.00", "refunded_amount": "0.00",
                           "decline_reason": declined, "user_id": body.get("user_id")}
                self.payments[payment["id"]] = payment
                self.payment_ops.append(("declined" if declined else "authorize", payment["id"]))
        if payment["status"] == "declined":
            status, reason = 402, payment["decline_reason"]
            return _json(status, {"error": {
                "status": status, "code": "payment_declined", "message": "Declined.",
                "details": {"payment_id": payment["id"]}, "reason": reason,
                "request_id": "test"}})
        return _json(201 if created else 200, payment)

    def _payment_list(self, request):
        if down := self._is_down("payment"):
            return down
        reference = request.params.get("reference")
        results = [p for p in self.payments.values() if p["reference"] == reference]
        return _json(200, {"count": len(results), "limit": 20, "offset": 0, "results": results})

    def _payment_get(self, request):
        if down := self._is_down("payment"):
            return down
        payment = self.payments.get(request.url.rstrip("/").rsplit("/", 1)[-1])
        return _json(200, payment) if payment else _error(404, "not_found", "No payment.")

    def _payment_move(self, request):
        if down := self._is_down("payment"):
            return down
        payment_id, action = request.url.rstrip("/").split("/")[-2:]
        with self.lock:
            payment = self.payments.get(payment_id)
            if payment is None:
                return _error(404, "not_found", "No payment.")
            status = payment["status"]
            if action == "capture" and status in ("captured", "refunded"):
                return _json(200, payment)
            if action == "void" and status == "voided":
                return _json(200, payment)
            allowed = {"capture": ("authorized",), "void": ("pending", "authorized"),
                       "refund": ("captured",)}[action]
            if status not in allowed:
                return _error(409, "conflict", f"{action} of a {status} payment")
            if action == "capture":
                payment.update(status="captured", captured_amount=payment["amount"])
            elif action == "void":
                payment["status"] = "voided"
            else:
                payment.update(status="refunded", refunded_amount=payment["captured_amount"])
            self.payment_ops.append((action, payment_id))
        return _json(200, payment)
