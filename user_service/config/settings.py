"""Settings of user_service: common's base settings plus the users app."""

from pathlib import Path

from common.settings import service_settings

_VALIDATION = "django.contrib.auth.password_validation"

globals().update(service_settings(
    name="user_service",
    base_dir=Path(__file__).resolve().parent.parent,
    apps=["users"],
    extra={
        "AUTH_USER_MODEL": "users.User",
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": f"{_VALIDATION}.UserAttributeSimilarityValidator",
             "OPTIONS": {"user_attributes": ("email", "name")}},
            {"NAME": f"{_VALIDATION}.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
            {"NAME": f"{_VALIDATION}.CommonPasswordValidator"},
            {"NAME": f"{_VALIDATION}.NumericPasswordValidator"},
        ],
    },
))

# user_service owns the sessions: it checks the token's session on every request, so an ended
# session's access tokens stop here at once (the revocation list is only a second line).
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [  # noqa: F821
    "users.authentication.SessionJWTAuthentication"]
