"""`GET /metrics` in Prometheus's text format (multiprocess-aware under gunicorn)."""

import os

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)

from common.errors.envelope import error_response
from common.metrics.collectors import DOMAIN_COLLECTOR


def _process_registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


@csrf_exempt
def metrics_view(request):
    if request.method not in ("GET", "HEAD"):
        return error_response(405, "method_not_allowed", f'Method "{request.method}" not allowed.')
    domain = CollectorRegistry(auto_describe=False)
    domain.register(DOMAIN_COLLECTOR)
    body = generate_latest(_process_registry()) + generate_latest(domain)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
