"""Handlers of the events order_service consumes (settings: EVENT_HANDLERS)."""

import uuid

from orders import services


def purchase_state_changed(event: dict) -> None:
    """`shop.purchase.state_changed`: a running purchase holds its order against expiry."""
    data = event["data"]
    services.order_purchase_track(order_id=uuid.UUID(data["order_id"]),
                                  purchase_id=uuid.UUID(data["purchase_id"]),
                                  purchase_state=data["to"])


def user_registered(event: dict) -> None:
    """`shop.user.registered`: the user exists (the copy an ADMIN's order for them reads)."""
    services.known_user_record(user_id=uuid.UUID(event["data"]["user_id"]), is_active=True)


def user_changed(event: dict) -> None:
    """`shop.user.changed`: a deactivated or deleted user (`is_active` false) may no longer
    be ordered for."""
    data = event["data"]
    services.known_user_record(user_id=uuid.UUID(data["user_id"]),
                               is_active=bool(data["is_active"]))
