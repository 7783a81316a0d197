"""Limits every service applies to what a client sends: body size, JSON shape, NUL bytes in
paths, and throttles keyed by a client address that only trusted proxies can vouch for."""

from common.limits.middleware import AdminLoginThrottleMiddleware, RequestLimitsMiddleware
from common.limits.parsers import JSONParser
from common.limits.throttling import ClientRateThrottle, client_address, throttle_key

__all__ = [
    "AdminLoginThrottleMiddleware",
    "ClientRateThrottle",
    "JSONParser",
    "RequestLimitsMiddleware",
    "client_address",
    "throttle_key",
]
