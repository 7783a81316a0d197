"""URLs of supplier_service."""

from django.urls import include, path

from common.routing import ERROR_HANDLERS, common_urlpatterns

urlpatterns = common_urlpatterns([path("api/", include("supplier.urls"))])

globals().update(ERROR_HANDLERS)
