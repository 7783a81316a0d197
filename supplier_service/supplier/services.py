"""Writes of the supplier: providers, stock, orders taken and cancelled."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common.db import created_once, insert_rows, subtract_by_key
from common.errors import Conflict
from common.lines import quantities_by_product
from supplier import order_states, selectors
from supplier.models import (
    Provider,
    SupplierOrder,
    SupplierOrderLine,
    SupplierProduct,
)
from supplier.provider_directory import PROVIDERS

ORDER_NUMBER_PREFIX = "SUP-"
# No 0/O or 1/I: order numbers are read out over the phone.
ORDER_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ORDER_NUMBER_LENGTH = 8


def provider_seed_all() -> int:
    """Create the provider of every state that has none; edits made in the admin are kept."""
    created = 0
    for row in PROVIDERS:
        _, was_created = Provider.objects.get_or_create(
            state=row["state"], defaults={k: v for k, v in row.items() if k != "state"})
        created += was_created
    return created


def supplier_product_seed(*, product_ids, stock: int) -> None:
    """Give each product at least `stock` units (never fewer than it has)."""
    for product_id in product_ids:
        row, created = SupplierProduct.objects.get_or_create(
            product_id=product_id, defaults={"stock": stock})
        if not created and row.stock < stock:
            row.stock = stock
            row.save(update_fields=["stock", "updated_at"])


def _new_order_number() -> str:
    code = "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(ORDER_NUMBER_LENGTH))
    return f"{ORDER_NUMBER_PREFIX}{code}"


def _take_stock(wanted: dict) -> None:
    """Decrement stock for every product or for none (409 naming the short items).

    Rows are locked in product-id order, so concurrent orders never deadlock and never sell
    the same unit twice; unknown products get SUPPLIER_DEFAULT_STOCK first.
    """
    product_ids = sorted(wanted, key=str)
    SupplierProduct.objects.bulk_create(
        [SupplierProduct(product_id=pid, stock=settings.SUPPLIER_DEFAULT_STOCK)
         for pid in product_ids],
        ignore_conflicts=True)
    rows = list(SupplierProduct.objects.select_for_update()
                .filter(product_id__in=product_ids).order_by("product_id"))
    stock = {row.product_id: row.stock for row in rows}
    short = [{"product_id": str(pid), "requested": wanted[pid], "available": stock.get(pid, 0)}
             for pid in product_ids if stock.get(pid, 0) < wanted[pid]]
    if short:
        raise Conflict("The supplier does not have enough stock for some items.",
                       details={"items": short})
    subtract_by_key(SupplierProduct, key="product_id", column="stock", amounts=wanted)


def _create_order(*, reference: str, wanted: dict) -> SupplierOrder:
    """The order and its lines, answered from what was written (no second read)."""
    with transaction.atomic():
        # The order row goes first: a duplicate of `reference` (a replay, or a concurrent one
        # that waits here on the unique index) fails before it touches any stock.
        (order,) = insert_rows([SupplierOrder(
            order_number=_new_order_number(), reference=reference,
            status=order_states.SUPPLIER_ORDER_STATE.initial,
            estimated_ship_date=timezone.localdate() + timedelta(
                days=settings.SUPPLIER_SHIP_DAYS))])
        _take_stock(wanted)
        lines = insert_rows([
            SupplierOrderLine(order=order, position=position, product_id=pid, quantity=quantity)
            for position, (pid, quantity) in enumerate(wanted.items())])
    order._prefetched_objects_cache = {"lines": lines}
    return order


def supplier_order_create(*, reference: str, items: list[dict]) -> tuple[SupplierOrder, bool]:
    """Take an order idempotently by `reference`; returns (order, created).

    The same reference again, even concurrently, returns the first order and changes nothing.
    """
    wanted = quantities_by_product(items)

    # A collision of the random order number is tried again with a new one.
    return created_once(
        lambda: _create_order(reference=reference, wanted=wanted),
        lambda: selectors.supplier_order_get_by_reference(reference=reference))


def supplier_order_cancel(*, order: SupplierOrder) -> SupplierOrder:
    """Cancel an order and give its stock back, exactly once; cancelling again changes nothing."""
    with transaction.atomic():
        now = timezone.now()
        moved = order_states.supplier_order_state_move(
            order=order, to=order_states.CANCELLED, fields={"cancelled_at": now})
        if moved:
            for line in sorted(order.lines.all(), key=lambda line: str(line.product_id)):
                given_back = SupplierProduct.objects.filter(product_id=line.product_id).update(
                    stock=F("stock") + line.quantity, updated_at=now)
                if not given_back:  # the row was deleted in the admin since: recreate it
                    SupplierProduct.objects.create(product_id=line.product_id,
                                                   stock=line.quantity)
    return selectors.supplier_order_get(order_number=order.order_number)
