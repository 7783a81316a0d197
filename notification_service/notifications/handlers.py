"""Event handlers (EVENT_HANDLERS in config/settings.py): each turns one event into its effect.

They run inside the consumer's transaction with the inbox row, so each event is handled once;
the (event, kind) uniqueness of notifications is a second guard.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from notifications import selectors, services
from notifications.models import NotificationKind, Recipient

logger = logging.getLogger(__name__)
SHIPPED_STATE = "RESERVE_DELIVERED"
FAILED_STATE = "FAILED"
REFUNDED_STATUS = "refunded"
REFUND_OPERATION = "refund"


def _event_time(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(event["time"].replace("Z", "+00:00"))


def _take_user(event: dict[str, Any]) -> Recipient:
    """Update the local copy from the event; return the user as the event describes them."""
    data = event["data"]
    user = Recipient(user_id=data["user_id"], email=data["email"],
                     name=data.get("name") or "", role=data.get("role") or "USER",
                     is_active=data.get("is_active", True), as_of=_event_time(event))
    services.recipient_update(user_id=user.user_id, email=user.email, name=user.name,
                              role=user.role, is_active=user.is_active, as_of=user.as_of)
    return user


def on_user_registered(event: dict[str, Any]) -> None:
    """Keep the user's address and name; welcome them."""
    user = _take_user(event)
    services.notification_create(user_id=user.user_id, kind=NotificationKind.WELCOME,
                                 event_id=event["id"], context={"email": user.email},
                                 recipient=user)


def on_user_changed(event: dict[str, Any]) -> None:
    """Keep the new address, name, role and whether the user is active."""
    _take_user(event)


def on_order_created(event: dict[str, Any]) -> None:
    """Confirm the order with its lines and total."""
    data = event["data"]
    services.reference_remember(reference_id=data["order_id"], user_id=data["user_id"])
    services.notification_create(
        user_id=data["user_id"], kind=NotificationKind.ORDER_CONFIRMATION, event_id=event["id"],
        context={"order_id": data["order_id"], "items": data["items"],
                 "total_amount": data["total_amount"], "created_at": data.get("created_at")})


def on_purchase_state_changed(event: dict[str, Any]) -> None:
    """On its way (tracking code, estimated date) or failed (why; no money taken)."""
    data = event["data"]
    services.reference_remember(reference_id=data["purchase_id"], user_id=data["user_id"])
    services.reference_remember(reference_id=data["order_id"], user_id=data["user_id"])
    context = {"purchase_id": data["purchase_id"], "order_id": data["order_id"],
               "total": data.get("total")}
    if data["to"] == SHIPPED_STATE:
        services.notification_create(
            user_id=data["user_id"], kind=NotificationKind.PURCHASE_SHIPPED,
            event_id=event["id"],
            context={**context, "tracking_code": data.get("tracking_code"),
                     "estimated_delivery_date": data.get("estimated_delivery_date")})
    elif data["to"] == FAILED_STATE:
        services.notification_create(
            user_id=data["user_id"], kind=NotificationKind.PURCHASE_FAILED, event_id=event["id"],
            context={**context, "failure_reason": data.get("failure_reason"),
                     "refunded": data.get("payment_status") == REFUNDED_STATUS})


def on_payment_changed(event: dict[str, Any]) -> None:
    """Tell the customer about a refund (a payment naming no user is matched by reference)."""
    data = event["data"]
    if data.get("status") != REFUNDED_STATUS and data.get("operation") != REFUND_OPERATION:
        return
    user_id = data.get("user_id") or selectors.user_for_reference(data.get("reference", ""))
    if user_id is None:
        logger.warning("refund for an unknown customer not notified",
                       extra={"payment_id": data.get("payment_id")})
        return
    services.notification_create(
        user_id=user_id, kind=NotificationKind.REFUND, event_id=event["id"],
        context={"payment_id": data["payment_id"], "reference": data.get("reference"),
                 "refunded_amount": data.get("refunded_amount"),
                 "currency": data.get("currency")})
