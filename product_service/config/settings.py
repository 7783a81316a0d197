"""Settings of product_service: common's base settings plus the products app."""

from pathlib import Path

from common.settings import service_settings

globals().update(service_settings(
    name="product_service",
    base_dir=Path(__file__).resolve().parent.parent,
    apps=["products"],
))
