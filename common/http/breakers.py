"""One circuit breaker per target service, shared by every process through Redis when set.

A breaker counts only outages (`UpstreamUnavailable`: connection error, timeout, 5xx); a
partner's 4xx answer is an answer, not an outage. Thresholds come from settings
`BREAKER_FAIL_MAX` (5) and `BREAKER_RESET_TIMEOUT` (30 s); with `REDIS_URL` set, the state
lives in Redis under `<SERVICE_NAME>:breaker:<service>`, so all workers of a service see the
same open or closed circuit.
"""

import logging

import pybreaker
import redis
from django.conf import settings

from common.errors import UpstreamUnavailable

logger = logging.getLogger("common.http")

_breakers: dict[str, pybreaker.CircuitBreaker] = {}


def _not_an_outage(exc: BaseException) -> bool:
    return not isinstance(exc, UpstreamUnavailable)


def _storage(service: str) -> pybreaker.CircuitBreakerStorage:
    redis_url = getattr(settings, "REDIS_URL", "")
    if redis_url:
        try:
            connection = redis.Redis.from_url(redis_url, socket_timeout=1,
                                              socket_connect_timeout=1)
            return pybreaker.CircuitRedisStorage(
                pybreaker.STATE_CLOSED, connection,
                namespace=f"{settings.SERVICE_NAME}:breaker:{service}")
        except redis.RedisError:
            logger.warning("Redis unreachable; breaker for %s keeps its state in memory", service)
    return pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED)


def circuit_breaker(service: str) -> pybreaker.CircuitBreaker:
    """The breaker guarding calls to `service`, created on first use from settings."""
    breaker = _breakers.get(service)
    if breaker is None:
        breaker = _breakers[service] = pybreaker.CircuitBreaker(
            fail_max=getattr(settings, "BREAKER_FAIL_MAX", 5),
            reset_timeout=getattr(settings, "BREAKER_RESET_TIMEOUT", 30.0),
            exclude=[_not_an_outage],
            state_storage=_storage(service),
            name=service,
        )
    return breaker


def breakers_forget() -> None:
    """Forget every breaker (settings changed, or between tests)."""
    _breakers.clear()
