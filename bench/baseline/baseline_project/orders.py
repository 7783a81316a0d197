"""The floor of order creation: the least Django can do for the design the contract fixes.

An order is two write transactions in two processes joined by one HTTP call, as in the
services: order_service asks product_service to reserve the stock (which answers each line's
name and price) and then saves the order. Here both halves are bare Django views with raw SQL
on the services' own tables (the bench databases), writing the same rows with the same
statements: the reservation's INSERT, locking SELECT, one UPDATE of every line's stock and
the lines' INSERT; the order's INSERT, its items', its first history row's and its outbox
event's. Everything else the services do is left out: no middleware, no token check, no
validation beyond reading the JSON, no idempotency key, no logging, no events relayed.

So the figures are a lower bound: whatever order_service does, it cannot answer faster than
this on the same machine. bench/run.py measures it next to the real order (docs/benchmarks.md).
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import requests
from django.db import connection, transaction
from django.http import HttpResponse

from baseline_project.views import json_response

_session = requests.Session()  # one pooled session per process, as common.http keeps


def _now() -> datetime:
    return datetime.now(UTC)


def _wanted(items: list[dict]) -> dict[str, int]:
    return {str(item["product_id"]): int(item["quantity"]) for item in items}


def reservation_create(request) -> HttpResponse:
    """`POST /api/products/reservations` `{reference, items}` → 201 with each line's name and
    unit price, or 409 when a product lacks stock (nothing kept)."""
    body = json.loads(request.body)
    wanted = _wanted(body["items"])
    ids = sorted(wanted)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO products_reservation (reference, created_at) "
                       "VALUES (%s, %s) RETURNING id", [body["reference"], _now()])
        reservation_id = cursor.fetchone()[0]
        cursor.execute("SELECT id, stock, name, price FROM products_product WHERE id IN "
                       f"({', '.join(['%s'] * len(ids))}) ORDER BY id FOR UPDATE", ids)
        rows = {str(row[0]): row for row in cursor.fetchall()}
        if len(rows) < len(ids) or any(rows[i][1] < wanted[i] for i in ids):
            transaction.set_rollback(True)
            return json_response({"error": {"status": 409, "code": "conflict"}}, status=409)
        cases = " ".join(["WHEN %s THEN %s"] * len(ids))
        cursor.execute(f"UPDATE products_product SET stock = stock - CASE id {cases} END, "
                       f"updated_at = %s WHERE id IN ({', '.join(['%s'] * len(ids))})",
                       [*[v for i in ids for v in (i, wanted[i])], _now(), *ids])
        cursor.execute("INSERT INTO products_reservationline (reservation_id, product_id, "
                       "quantity, name, unit_price) VALUES "
                       + ", ".join(["(%s, %s, %s, %s, %s)"] * len(ids)),
                       [v for i in ids for v in (reservation_id, i, wanted[i], rows[i][2],
                                                 rows[i][3])])
    return json_response({"reference": body["reference"], "items": [
        {"product_id": i, "quantity": wanted[i], "name": rows[i][2],
         "unit_price": str(rows[i][3])} for i in ids]}, status=201)


def order_create(request) -> HttpResponse:
    """`POST /api/orders` `{items}` → 201 with the order, priced by the reservation's answer."""
    wanted = _wanted(json.loads(request.body)["items"])
    order_id, user_id = str(uuid.uuid4()), str(uuid.uuid4())
    reserved = _session.post(
        f"{os.environ['BASELINE_PRODUCTS_URL']}/api/products/reservations", timeout=10,
        json={"reference": order_id, "items": [{"product_id": i, "quantity": q}
                                               for i, q in wanted.items()]})
    if reserved.status_code != 201:
        return json_response(reserved.json(), status=reserved.status_code)
    lines = [{**line, "line_total": str(Decimal(line["unit_price"]) * line["quantity"])}
             for line in reserved.json()["items"]]
    total = str(sum(Decimal(line["line_total"]) for line in lines))
    now = _now()
    order = {"id": order_id, "user_id": user_id, "status": "pending", "total_amount": total,
             "items": lines, "created_at": now.isoformat().replace("+00:00", "Z")}
    envelope = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "order_service",
                "type": "shop.order.created", "subject": order_id,
                "time": order["created_at"], "datacontenttype": "application/json",
                "data": order}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO orders_order (id, user_id, total_amount, status, "
                       "created_at, updated_at) VALUES (%s, %s, %s, 'pending', %s, %s)",
                       [order_id, user_id, total, now, now])
        cursor.execute("INSERT INTO orders_orderitem (order_id, product_id, name, unit_price, "
                       "quantity, line_total) VALUES "
                       + ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(lines)),
                       [v for line in lines for v in (order_id, line["product_id"],
                                                      line["name"], line["unit_price"],
                                                      line["quantity"], line["line_total"])])
        cursor.execute("INSERT INTO orders_orderstatuschange (order_id, from_state, to_state, "
                       "at, note) VALUES (%s, NULL, 'pending', %s, 'Order placed.')",
                       [order_id, now])
        cursor.execute("INSERT INTO common_outboxevent (event_id, type, subject, envelope, "
                       "created_at, publish_attempts, last_error) "
                       "VALUES (%s, %s, %s, %s, %s, 0, '')",
                       [envelope["id"], envelope["type"], order_id, json.dumps(envelope), now])
    return json_response(order, status=201)
