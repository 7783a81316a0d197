"""The metric objects every service records into (one set per process)."""

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "http_requests", "HTTP requests answered, by route and status.",
    ["service", "method", "route", "status"],
)
REQUEST_LATENCY = Histogram(
    "http_request_duration_seconds", "Time to answer an HTTP request.",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DB_QUERIES = Counter(
    "db_queries", "SQL queries run while answering requests, by route.",
    ["service", "route"],
)
UPSTREAM_CALLS = Counter(
    "upstream_calls", "Calls to other services, by target and outcome.",
    ["service", "upstream", "outcome"],
)
