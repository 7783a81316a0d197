"""Prometheus metrics: request and query figures, calls to other services, domain gauges."""

from common.metrics.collectors import register_collector
from common.metrics.instruments import DB_QUERIES, REQUEST_LATENCY, REQUESTS, UPSTREAM_CALLS
from common.metrics.middleware import MetricsMiddleware
from common.metrics.views import metrics_view

__all__ = [
    "DB_QUERIES",
    "REQUESTS",
    "REQUEST_LATENCY",
    "UPSTREAM_CALLS",
    "MetricsMiddleware",
    "metrics_view",
    "register_collector",
]
