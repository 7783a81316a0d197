"""Writes on the catalog (each with its `shop.product.changed` event), and stock reservations
that never oversell and answer each line's name and unit price at the moment of reserving."""

import uuid

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework.exceptions import NotFound, ValidationError

from common.db import created_once, insert_rows, subtract_by_key
from common.errors import Conflict
from common.lines import quantities_within_bounds
from products import events, selectors
from products.models import Product, Reservation, ReservationLine

PRODUCT_FIELDS = ("name", "description", "price", "stock")


class ReservationRefusal:
    """The reasons a reservation is refused (409 `conflict`, or 400 for unknown products)."""

    # Some item has less stock than asked; `details.items` names each with what is left.
    INSUFFICIENT_STOCK = "insufficient_stock"
    # The reference already reserved other items.
    REFERENCE_REUSED = "reservation_reference_reused"
    # The reference's reservation was given back; it cannot be made again.
    RELEASED = "reservation_released"
    # Some item names no product (400 `validation_error`; `details.items` names each).
    UNKNOWN_PRODUCT = "unknown_product"


class UnknownProducts(ValidationError):
    """A reservation naming products the catalog does not have: 400 with `reason`."""

    reason = ReservationRefusal.UNKNOWN_PRODUCT

    def __init__(self, product_ids):
        super().__init__({"items": [f"Unknown product {pid}." for pid in product_ids]})


def product_create(*, name: str, price, stock: int, description: str = "") -> Product:
    with transaction.atomic():
        product = Product.objects.create(name=name, description=description, price=price,
                                         stock=stock)
        events.product_changed_publish(product=product)
    return product


def product_update(*, product: Product, changes: dict) -> Product:
    """Apply the given fields; the row is locked so a racing reservation sees one or the other."""
    with transaction.atomic():
        product = Product.objects.select_for_update().get(id=product.id)
        for field in PRODUCT_FIELDS:
            if field in changes:
                setattr(product, field, changes[field])
        product.save()
        events.product_changed_publish(product=product)
    return product


def product_delete(*, product: Product) -> None:
    with transaction.atomic():
        product_id = product.id
        product.delete()
        product.id = product_id  # delete() clears it; the event names what was deleted
        events.product_changed_publish(product=product, deleted=True)


def _lines_of(reservation: Reservation) -> dict[uuid.UUID, int]:
    return {line.product_id: line.quantity for line in reservation.lines.all()}


def _replayed(reservation: Reservation, wanted: dict[uuid.UUID, int]) -> Reservation:
    if _lines_of(reservation) != wanted:
        raise Conflict("This reference was already used to reserve other items.",
                       details={"reference": reservation.reference},
                       reason=ReservationRefusal.REFERENCE_REUSED)
    if reservation.is_released:
        raise Conflict("This reservation was already released.",
                       details={"reference": reservation.reference},
                       reason=ReservationRefusal.RELEASED)
    return reservation


def _short(wanted: dict[uuid.UUID, int], stock: dict[uuid.UUID, int]) -> Conflict:
    return Conflict("Not enough stock for some items.", details={"items": [
        {"product_id": str(product_id), "requested": wanted[product_id],
         "available": stock[product_id]}
        for product_id in sorted(wanted) if stock[product_id] < wanted[product_id]]},
        reason=ReservationRefusal.INSUFFICIENT_STOCK)


def _reserve(*, reference: str, wanted: dict[uuid.UUID, int]) -> Reservation:
    """Four statements whatever the number of lines: the reservation row, the product rows
    locked and checked, one UPDATE taking every line's stock, the lines. Each line keeps the
    product's name and price as they were under the lock: what the order is priced with.

    On SQLite, which has no row locks, the reservation row's INSERT takes the database's
    write lock first, so no other writer can change the stock between the check and the
    UPDATE either."""
    # The reservation row goes first: a concurrent request with the same reference waits on
    # its unique index, then fails with IntegrityError and replays.
    (reservation,) = insert_rows([Reservation(reference=reference)])
    ids = sorted(wanted)
    rows = selectors.products_lock(ids=ids)
    unknown = [product_id for product_id in ids if product_id not in rows]
    if unknown:
        raise UnknownProducts(unknown)
    stock = {product_id: row["stock"] for product_id, row in rows.items()}
    if any(stock[product_id] < wanted[product_id] for product_id in ids):
        raise _short(wanted, stock)
    subtract_by_key(Product, key="id", column="stock", amounts=wanted)
    lines = insert_rows([
        ReservationLine(reservation=reservation, product_id=product_id,
                        quantity=wanted[product_id], name=rows[product_id]["name"],
                        unit_price=rows[product_id]["price"])
        for product_id in ids
    ])
    # The answer is built from what was just written, with no second read.
    reservation._prefetched_objects_cache = {"lines": lines}
    return reservation


def reservation_create(*, reference: str, items: list[dict]) -> tuple[Reservation, bool]:
    """Reserve every item or none; returns (reservation, created). A known reference replays
    (its reservation row's unique index says so)."""
    wanted = quantities_within_bounds(items)

    def create() -> Reservation:
        with transaction.atomic():
            return _reserve(reference=reference, wanted=wanted)

    reservation, created = created_once(
        create, lambda: selectors.reservation_get(reference=reference), attempts=1)
    return (reservation, True) if created else (_replayed(reservation, wanted), False)


def reservation_release(*, reference: str) -> Reservation:
    """Give the reserved stock back, exactly once however often it is asked."""
    with transaction.atomic():
        reservation = Reservation.objects.select_for_update().filter(reference=reference).first()
        if reservation is None:
            raise NotFound("Reservation not found.")
        if reservation.is_released:
            return reservation
        now = timezone.now()
        for line in reservation.lines.order_by("product_id"):
            Product.objects.filter(id=line.product_id).update(
                stock=F("stock") + line.quantity, updated_at=now)
        reservation.released_at = now
        reservation.save(update_fields=["released_at"])
    return reservation
