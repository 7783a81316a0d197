"""URLs of notification_service."""

from django.urls import include, path

from common.routing import common_urlpatterns

urlpatterns = common_urlpatterns([path("api/", include("notifications.urls"))])

handler400 = "common.errors.bad_request"
handler403 = "common.errors.permission_denied"
handler404 = "common.errors.not_found"
handler500 = "common.errors.server_error"
