"""One circuit breaker per partner, shared by every worker process through Redis when set.

A breaker counts only transient failures (`UpstreamUnavailable`: connection error, timeout,
5xx); a partner's 4xx answer is an answer, not an outage.
"""

import logging

import pybreaker
import redis
from django.conf import settings

from common.errors import UpstreamUnavailable
from common.http import ServiceClient

logger = logging.getLogger("purchases.breakers")

PARTNERS = ("order_service", "supplier_service", "carrier_service", "payment_service")

_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_clients: dict[str, ServiceClient] = {}


def _not_an_outage(exc: BaseException) -> bool:
    return not isinstance(exc, UpstreamUnavailable)


def _storage(service: str) -> pybreaker.CircuitBreakerStorage:
    if settings.REDIS_URL:
        try:
            connection = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1,
                                              socket_connect_timeout=1)
            return pybreaker.CircuitRedisStorage(
                pybreaker.STATE_CLOSED, connection,
                namespace=f"{settings.SERVICE_NAME}:breaker:{service}")
        except redis.RedisError:
            logger.warning("Redis unreachable; breaker for %s keeps its state in memory", service)
    return pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED)


def partner_breaker(service: str) -> pybreaker.CircuitBreaker:
    """The breaker guarding calls to `service`, created on first use from settings."""
    breaker = _breakers.get(service)
    if breaker is None:
        breaker = _breakers[service] = pybreaker.CircuitBreaker(
            fail_max=settings.BREAKER_FAIL_MAX,
            reset_timeout=settings.BREAKER_RESET_TIMEOUT,
            exclude=[_not_an_outage],
            state_storage=_storage(service),
            name=service,
        )
    return breaker


def partner_client(service: str) -> ServiceClient:
    """The HTTP client for `service`, its calls routed through the partner's breaker."""
    client = _clients.get(service)
    if client is None:
        client = _clients[service] = ServiceClient(service, breaker=partner_breaker(service))
    return client


def breakers_reset() -> None:
    """Forget every breaker and client (settings changed, or between tests)."""
    _breakers.clear()
    _clients.clear()
