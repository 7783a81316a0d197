"""Settings of order_service: common's base settings plus the orders app."""

from pathlib import Path

from common.settings import service_settings

globals().update(service_settings(
    name="order_service",
    base_dir=Path(__file__).resolve().parent.parent,
    apps=["orders"],
))
