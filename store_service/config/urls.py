"""URLs of store_service."""

from django.urls import include, path

from common.routing import ERROR_HANDLERS, common_urlpatterns

urlpatterns = common_urlpatterns([
    path("api/", include("purchases.urls")),
    path("api/", include("vouchers.urls")),
])

globals().update(ERROR_HANDLERS)
