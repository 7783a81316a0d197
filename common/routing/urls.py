"""URL patterns every service mounts: health, metrics, OpenAPI, Swagger UI, admin, the catch-all."""

from django.contrib import admin
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from common.health.views import health, healthz, readyz
from common.metrics.views import metrics_view
from common.routing.names import CATCH_ALL_NAME
from common.routing.slash import other_slash_or_not_found

# Django's error views for the root URLconf, answering the contract's envelope. A service's
# config/urls.py takes them with `globals().update(ERROR_HANDLERS)`.
ERROR_HANDLERS = {
    "handler400": "common.errors.bad_request",
    "handler403": "common.errors.permission_denied",
    "handler404": "common.errors.not_found",
    "handler500": "common.errors.server_error",
}


def common_urlpatterns(api_patterns: list) -> list:
    """The service's API patterns framed by the shared ones.

    The catch-all comes last: it serves the path's other slash form, else the 404 envelope.
    """
    return [
        path("healthz", healthz, name="healthz"),
        path("readyz", readyz, name="readyz"),
        path("health", health, name="health"),
        path("metrics", metrics_view, name="metrics"),
        path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
        path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
        path("admin/", admin.site.urls),
        *api_patterns,
        re_path(r"^[\s\S]*$", other_slash_or_not_found, name=CATCH_ALL_NAME),  # newlines too
    ]
