"""Writes of the carrier: scheduling a delivery, idempotently by reference."""

import secrets

from django.db import transaction
from django.utils import timezone

from common.db import created_once
from common.lines import quantities_by_product
from deliveries import selectors
from deliveries.models import Delivery, DeliveryStatus
from deliveries.pricing import delivery_quote

TRACKING_PREFIX = "TRK"
TRACKING_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
TRACKING_LENGTH = 10


def _new_tracking_code() -> str:
    code = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))
    return f"{TRACKING_PREFIX}{code}"


def delivery_create(*, reference: str, origin: dict, destination: dict,
                    items: list[dict]) -> tuple[Delivery, bool]:
    """Schedule a delivery priced by `pricing.delivery_quote`; returns (delivery, created).

    The same reference again, even concurrently, returns the first delivery unchanged.
    """
    def create() -> Delivery:
        lines = [{"product_id": str(product_id), "quantity": quantity}
                 for product_id, quantity in quantities_by_product(items).items()]
        units = sum(line["quantity"] for line in lines)
        quote = delivery_quote(origin_state=origin["state"],
                               destination_state=destination["state"], units=units)
        with transaction.atomic():
            return Delivery.objects.create(
                tracking_code=_new_tracking_code(), reference=reference,
                status=DeliveryStatus.SCHEDULED, origin=origin, destination=destination,
                items=lines, items_count=units, cost=quote.cost,
                estimated_delivery_date=quote.delivery_date(booked_on=timezone.localdate()))

    # A collision of the random tracking code is tried again with a new one.
    return created_once(create, lambda: selectors.delivery_get_by_reference(reference=reference))
