"""Settings of notification_service: common's base settings, the notifications app, its handlers."""

from pathlib import Path

from common.settings import service_settings

globals().update(service_settings(
    name="notification_service",
    base_dir=Path(__file__).resolve().parent.parent,
    apps=["notifications"],
    event_handlers={
        "shop.user.registered": "notifications.handlers.on_user_registered",
        "shop.user.changed": "notifications.handlers.on_user_changed",
        "shop.order.created": "notifications.handlers.on_order_created",
        "shop.purchase.state_changed": "notifications.handlers.on_purchase_state_changed",
        "shop.payment.changed": "notifications.handlers.on_payment_changed",
    },
))
