"""URL patterns every service mounts: health, metrics, OpenAPI, Swagger UI, admin, a JSON 404."""

from django.contrib import admin
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from common.errors.handlers import not_found
from common.health.views import health, healthz, readyz
from common.metrics.views import metrics_view
from common.routing.names import CATCH_ALL_NAME


def common_urlpatterns(api_patterns: list) -> list:
    """The service's API patterns framed by the shared ones; the catch-all 404 comes last."""
    return [
        path("healthz", healthz, name="healthz"),
        path("readyz", readyz, name="readyz"),
        path("health", health, name="health"),
        path("metrics", metrics_view, name="metrics"),
        path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
        path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
        path("admin/", admin.site.urls),
        *api_patterns,
        re_path(r"^[\s\S]*$", not_found, name=CATCH_ALL_NAME),  # newlines too
    ]
