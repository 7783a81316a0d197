"""Product reads with one raw SQL query each, serialized like product_service's output."""

import json

from django.db import connection
from django.http import HttpResponse

COLUMNS = "id, name, description, price, stock, created_at, updated_at"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def _datetime(value) -> str:
    # DRF's DateTimeField output under USE_TZ with UTC: ISO 8601 with a trailing Z.
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _product(row) -> dict:
    return {"id": str(row[0]), "name": row[1], "description": row[2], "price": str(row[3]),
            "stock": row[4], "created_at": _datetime(row[5]), "updated_at": _datetime(row[6])}


def json_response(data, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode(),
                        status=status,
                        content_type="application/json")


def _limit(request) -> int:
    try:
        return min(max(int(request.GET.get("limit", DEFAULT_LIMIT)), 0), MAX_LIMIT)
    except ValueError:
        return DEFAULT_LIMIT


def product_list(request):
    """The page and the total count in ONE query (a window count over the whole table)."""
    limit = _limit(request)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {COLUMNS}, count(*) OVER () FROM products_product "
            "ORDER BY created_at DESC, id DESC LIMIT %s", [limit])
        rows = cursor.fetchall()
    return json_response({"count": rows[0][7] if rows else 0, "limit": limit, "offset": 0,
                  "results": [_product(row) for row in rows]})


def product_detail(request, product_id):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM products_product WHERE id = %s",
                       [product_id])
        row = cursor.fetchone()
    if row is None:
        return json_response({"error": {"status": 404, "code": "not_found"}}, status=404)
    return json_response(_product(row))


def healthz(request):
    return json_response({"status": "ok", "service": "baseline"})
