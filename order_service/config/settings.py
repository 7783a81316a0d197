"""Settings of order_service: common's base settings plus the orders app and its expiry."""

from pathlib import Path

from common.settings import env, service_settings

globals().update(service_settings(
    name="order_service",
    base_dir=Path(__file__).resolve().parent.parent,
    apps=["orders"],
    event_handlers={"shop.purchase.state_changed": "orders.handlers.purchase_state_changed",
                    # The local copy of users, read when an ADMIN orders for someone else.
                    "shop.user.registered": "orders.handlers.user_registered",
                    "shop.user.changed": "orders.handlers.user_changed"},
))

# A pending order nobody bought is cancelled after this many minutes (manage.py expire_orders);
# fractions are allowed (a test platform may use seconds).
ORDER_PENDING_MINUTES = env.float("ORDER_PENDING_MINUTES", default=30.0)
# Seconds between two passes of the expiry.
ORDER_EXPIRY_INTERVAL = env.float("ORDER_EXPIRY_INTERVAL", default=30.0)
