"""Reads on products and reservations."""

from django.db.models import QuerySet

from products.models import Product, Reservation


def product_list(*, search: str | None = None, ids: list | None = None) -> QuerySet[Product]:
    """Products newest first, optionally matching a name fragment and/or a set of ids."""
    products = Product.objects.order_by("-created_at", "-id")
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
