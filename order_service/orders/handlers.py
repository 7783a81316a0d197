"""Handlers of the events order_service consumes (settings: EVENT_HANDLERS)."""

import uuid

from orders import services


def purchase_state_changed(event: dict) -> None:
    """`shop.purchase.state_changed`: a running purchase holds its order against expiry."""
    data = event["data"]
    services.order_purchase_track(order_id=uuid.UUID(data["order_id"]),
                                  purchase_id=uuid.UUID(data["purchase_id"]),
                                  purchase_state=data["to"])
