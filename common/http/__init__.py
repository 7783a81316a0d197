"""The one client for calls between services."""

from common.http.client import ServiceClient, service_client

__all__ = ["ServiceClient", "service_client"]
