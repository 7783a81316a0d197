"""The partners' circuit breakers and clients: common.http's, one per partner.

A breaker counts only outages (connection error, timeout, 5xx); a partner's 4xx answer is an
answer, not an outage. With REDIS_URL set every worker process shares each breaker's state.
"""

import pybreaker

from common.http import ServiceClient, circuit_breaker, clients_reset, service_client

PARTNERS = ("order_service", "supplier_service", "carrier_service", "payment_service")


def partner_breaker(service: str) -> pybreaker.CircuitBreaker:
    """The breaker guarding calls to `service`, created on first use from settings."""
    return circuit_breaker(service)


def partner_client(service: str) -> ServiceClient:
    """The HTTP client for `service`, its calls routed through the partner's breaker."""
    return service_client(service, breaker=True)


def breakers_reset() -> None:
    """Forget every breaker and client (settings changed, or between tests)."""
    clients_reset()
