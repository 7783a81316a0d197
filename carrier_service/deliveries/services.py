"""Writes of the carrier: scheduling a delivery, idempotently by reference."""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from deliveries import selectors
from deliveries.models import Delivery, DeliveryStatus
from deliveries.pricing import delivery_quote

TRACKING_PREFIX = "TRK"
TRACKING_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
TRACKING_LENGTH = 10
_CREATE_ATTEMPTS = 3


def _new_tracking_code() -> str:
    code = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))
    return f"{TRACKING_PREFIX}{code}"


def _merge(items: list[dict]) -> list[dict]:
    """One line per product, quantities added up, in the order products first appear."""
    wanted: dict = {}
    for item in items:
        wanted[item["product_id"]] = wanted.get(item["product_id"], 0) + item["quantity"]
    return [{"product_id": str(pid), "quantity": quantity} for pid, quantity in wanted.items()]


def delivery_create(*, reference: str, origin: dict, destination: dict,
                    items: list[dict]) -> tuple[Delivery, bool]:
    """Schedule a delivery priced by `pricing.delivery_quote`; returns (delivery, created).

    The same reference again, even concurrently, returns the first delivery unchanged.
    """
    existing = selectors.delivery_get_by_reference(reference=reference)
    if existing is not None:
        return existing, False
    lines = _merge(items)
    units = sum(line["quantity"] for line in lines)
    quote = delivery_quote(origin_state=origin["state"], destination_state=destination["state"],
                           units=units)
    attempt = 1
    while True:
        try:
            with transaction.atomic():
                delivery = Delivery.objects.create(
                    tracking_code=_new_tracking_code(), reference=reference,
                    status=DeliveryStatus.SCHEDULED, origin=origin, destination=destination,
                    items=lines, items_count=units, cost=quote.cost,
                    estimated_delivery_date=quote.delivery_date(booked_on=timezone.localdate()))
            return delivery, True
        except IntegrityError:
            existing = selectors.delivery_get_by_reference(reference=reference)
            if existing is not None:
                return existing, False
            if attempt == _CREATE_ATTEMPTS:  # not the reference: tracking codes kept colliding
                raise
            attempt += 1
