"""Settings of carrier_service: common's base settings plus the deliveries app."""

from pathlib import Path

from common.settings import service_settings

globals().update(service_settings(
    name="carrier_service",
    base_dir=Path(__file__).resolve().parent.parent,
    apps=["deliveries"],
))
