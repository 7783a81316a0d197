"""URLs of user_service."""

from django.urls import include, path
from users.apis import JwksApi

from common.routing import ERROR_HANDLERS, common_urlpatterns

urlpatterns = common_urlpatterns([
    path(".well-known/jwks.json", JwksApi.as_view(), name="jwks"),
    path("api/", include("users.urls")),
])

globals().update(ERROR_HANDLERS)
