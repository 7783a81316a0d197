"""The one client for calls between services."""

from common.http.breakers import circuit_breaker
from common.http.client import ServiceClient, clients_reset, service_client
from common.http.errors import UpstreamRefused

__all__ = ["ServiceClient", "UpstreamRefused", "circuit_breaker", "clients_reset",
           "service_client"]
