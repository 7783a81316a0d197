"""Reads on products and reservations.

The two public catalog reads (a page of the whole catalog, one product) are the platform's
hottest path; they run SQL the ORM compiled once (`common.db.CompiledRead`) and return plain
rows. Everything else is an ordinary queryset.
"""

import functools
import uuid

from django.db.models import Count, QuerySet, Window

from common.db import CompiledRead
from products.models import Product, Reservation

NEWEST_FIRST = ("-created_at", "-id")
_PAGE = CompiledRead(
    lambda: Product.objects.order_by(*NEWEST_FIRST).annotate(page_total=Window(Count("*"))),
    paged=True)
_BY_ID = CompiledRead(lambda: Product.objects.filter(id=uuid.UUID(int=0)).order_by(),
                      params=[Product._meta.pk])


def product_page(*, limit: int, offset: int) -> tuple[list[dict], int]:
    """One page of the catalog, newest first, as rows, and the catalog's size."""
    rows = _PAGE.rows(limit=limit, offset=offset) if limit else []
    total = rows[0]["page_total"] if rows else (
        Product.objects.count() if offset or not limit else 0)
    return rows, total


@functools.cache
def _by_ids(count: int) -> CompiledRead:
    """The batch read for `count` distinct ids (at most 100 such reads are compiled)."""
    return CompiledRead(
        lambda: Product.objects.filter(id__in=[uuid.UUID(int=n) for n in range(count)])
        .order_by(*NEWEST_FIRST),
        params=[Product._meta.pk] * count)


def product_rows_by_ids(*, ids: list[uuid.UUID]) -> list[dict]:
    """The products among these distinct ids, newest first, as rows (unknown ids are absent)."""
    return _by_ids(len(ids)).rows(*ids)


def product_row_get(*, product_id) -> dict | None:
    rows = _BY_ID.rows(product_id)
    return rows[0] if rows else None


def product_list(*, search: str | None = None, ids: list | None = None) -> QuerySet[Product]:
    """Products newest first, optionally matching a name fragment and/or a set of ids."""
    products = Product.objects.order_by(*NEWEST_FIRST)
    if search:
        products = products.filter(name__icontains=search)
    if ids is not None:
        products = products.filter(id__in=ids)
    return products


def product_get(*, product_id) -> Product | None:
    try:  # .get(): a primary-key lookup needs no ORDER BY, unlike .first()
        return Product.objects.get(id=product_id)
    except Product.DoesNotExist:
        return None


def reservation_get(*, reference: str) -> Reservation | None:
    return Reservation.objects.prefetch_related("lines").filter(reference=reference).first()
