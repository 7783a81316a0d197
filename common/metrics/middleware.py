"""Count requests, their latency and their SQL queries, labelled by route pattern."""

import time

from django.conf import settings
from django.db import connection

from common.metrics.instruments import DB_QUERIES, REQUEST_LATENCY, REQUESTS
from common.routing.names import CATCH_ALL_NAME


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name == CATCH_ALL_NAME:
        return "unmatched"
    return "/" + match.route.lstrip("^").rstrip("$")


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.service = settings.SERVICE_NAME

    def __call__(self, request):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        route = _route(request)
        REQUESTS.labels(self.service, request.method, route, response.status_code).inc()
        REQUEST_LATENCY.labels(self.service, request.method, route).observe(
            time.perf_counter() - started)
        if queries:
            DB_QUERIES.labels(self.service, route).inc(queries)
        return response
