"""Settings of supplier_service: common's base settings plus the supplier app."""

from pathlib import Path

from common.settings import env, service_settings

globals().update(service_settings(
    name="supplier_service",
    base_dir=Path(__file__).resolve().parent.parent,
    apps=["supplier"],
))

# Stock given to a product the supplier has never seen, on its first order.
SUPPLIER_DEFAULT_STOCK = env.int("SUPPLIER_DEFAULT_STOCK", default=1000)
# Days between a supplier order and its shipment.
SUPPLIER_SHIP_DAYS = env.int("SUPPLIER_SHIP_DAYS", default=2)
