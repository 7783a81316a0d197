"""Reads on products and reservations.

Every product read answers plain rows (a dict of the model's fields). The public catalog
reads (a page of the catalog, a batch of ids, one product) are the platform's hottest path;
they run SQL the ORM compiled once (`common.db.CompiledRead`), and so does the locking read
of a reservation. The name search and the other writes' lookups are ordinary querysets.
"""

import functools
import uuid

from django.db.models import Count, Window

from common.db import CompiledRead
from products.models import Product, Reservation

NEWEST_FIRST = ("-created_at", "-id")
_PAGE = CompiledRead(
    lambda: Product.objects.order_by(*NEWEST_FIRST).annotate(page_total=Window(Count("*"))),
    paged=True)
_BY_ID = CompiledRead(lambda: Product.objects.filter(id=uuid.UUID(int=0)).order_by(),
                      params=[Product._meta.pk])


def _page_total(rows: list[dict], *, limit: int, offset: int, count) -> int:
    """The matching total carried by a page's rows (COUNT(*) OVER ()); counted apart only when
    the page is empty and so carries none."""
    if rows:
        return rows[0]["page_total"]
    return count() if offset or not limit else 0


@functools.cache
def _by_ids(count: int) -> CompiledRead:
    """The batch read for `count` distinct ids (at most 100 such reads are compiled)."""
    return CompiledRead(
        lambda: Product.objects.filter(id__in=[uuid.UUID(int=n) for n in range(count)])
        .order_by(*NEWEST_FIRST),
        params=[Product._meta.pk] * count)


@functools.cache
def _locked(count: int) -> CompiledRead:
    """The rows a reservation of `count` distinct products takes, locked in id order."""
    return CompiledRead(
        lambda: Product.objects.select_for_update()
        .filter(id__in=[uuid.UUID(int=n) for n in range(count)]).order_by("id")
        .values("id", "stock", "name", "price"),
        params=[Product._meta.pk] * count)


def products_lock(*, ids: list[uuid.UUID]) -> dict[uuid.UUID, dict]:
    """`{id: {id, stock, name, price}}` of the products among `ids` (sorted, distinct), each
    row locked until the transaction ends. Rows are locked in one fixed order (by id), so two
    reservations never deadlock. Call it inside `transaction.atomic()`."""
    return {row["id"]: row for row in _locked(len(ids)).rows(*ids)}


def product_page(*, limit: int, offset: int, search: str | None = None,
                 ids: list[uuid.UUID] | None = None) -> tuple[list[dict], int]:
    """One page of products newest first, as rows, and how many products match: the whole
    catalog, the products among some distinct ids, those whose name contains `search`, or
    both. Each is one query."""
    if not search and ids is None:
        rows = _PAGE.rows(limit=limit, offset=offset) if limit else []
        return rows, _page_total(rows, limit=limit, offset=offset, count=Product.objects.count)
    if not search:  # at most 100 rows: the batch is read whole, then paged
        rows = _by_ids(len(ids)).rows(*ids)
        return rows[offset:offset + limit], len(rows)
    products = Product.objects.filter(name__icontains=search).order_by(*NEWEST_FIRST)
    if ids is not None:
        products = products.filter(id__in=ids)
    fields = [field.attname for field in Product._meta.concrete_fields]
    rows = list(products.annotate(page_total=Window(Count("*")))
                .values(*fields, "page_total")[offset:offset + limit]) if limit else []
    return rows, _page_total(rows, limit=limit, offset=offset, count=products.count)


def product_row_get(*, product_id) -> dict | None:
    rows = _BY_ID.rows(product_id)
    return rows[0] if rows else None


def product_get(*, product_id) -> Product | None:
    try:  # .get(): a primary-key lookup needs no ORDER BY, unlike .first()
        return Product.objects.get(id=product_id)
    except Product.DoesNotExist:
        return None


def reservation_get(*, reference: str) -> Reservation | None:
    return Reservation.objects.prefetch_related("lines").filter(reference=reference).first()
