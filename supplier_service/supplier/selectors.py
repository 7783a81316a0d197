"""Reads on providers and supplier orders."""

from django.db.models import QuerySet

from supplier.models import Provider, SupplierOrder, SupplierProduct


def provider_get_by_state(*, state: str) -> Provider | None:
    """The provider of a state given in any case; None for anything that is not a known code."""
    state = state.upper()
    if len(state) != 2 or not state.isascii() or not state.isalpha():
        return None
    return Provider.objects.filter(state=state).first()


def supplier_order_get(*, order_number: str) -> SupplierOrder | None:
    return (SupplierOrder.objects.prefetch_related("lines")
            .filter(order_number=order_number.strip().upper()).first())


def supplier_order_get_by_reference(*, reference: str) -> SupplierOrder | None:
    return SupplierOrder.objects.prefetch_related("lines").filter(reference=reference).first()


def supplier_product_stock(*, product_ids) -> dict:
    """Current stock by product id, for the products the supplier knows."""
    rows = SupplierProduct.objects.filter(product_id__in=list(product_ids))
    return {row.product_id: row.stock for row in rows}


def supplier_order_list() -> QuerySet[SupplierOrder]:
    return SupplierOrder.objects.prefetch_related("lines").order_by("-created_at", "-id")
