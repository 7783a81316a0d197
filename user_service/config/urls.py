"""URLs of user_service."""

from django.urls import include, path
from users.apis import JwksApi

from common.routing import common_urlpatterns

urlpatterns = common_urlpatterns([
    path(".well-known/jwks.json", JwksApi.as_view(), name="jwks"),
    path("api/", include("users.urls")),
])

handler400 = "common.errors.bad_request"
handler403 = "common.errors.permission_denied"
handler404 = "common.errors.not_found"
handler500 = "common.errors.server_error"
