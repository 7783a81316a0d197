"""Settings of user_service: common's base settings plus the users app."""

from pathlib import Path

from common.settings import service_settings

globals().update(service_settings(
    name="user_service",
    base_dir=Path(__file__).resolve().parent.parent,
    apps=["users"],
    extra={"AUTH_USER_MODEL": "users.User"},
))
