"""Base settings that every service extends in a few lines."""

from common.settings.base import ImproperlyConfiguredExit, database_name, env, service_settings

__all__ = ["ImproperlyConfiguredExit", "database_name", "env", "service_settings"]
