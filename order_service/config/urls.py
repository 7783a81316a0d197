"""URLs of order_service."""

from django.urls import include, path

from common.routing import ERROR_HANDLERS, common_urlpatterns

urlpatterns = common_urlpatterns([path("api/", include("orders.urls"))])

globals().update(ERROR_HANDLERS)
