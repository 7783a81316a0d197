"""Base settings that every service extends in a few lines."""

from common.settings.base import ImproperlyConfiguredExit, service_settings

__all__ = ["ImproperlyConfiguredExit", "service_settings"]
