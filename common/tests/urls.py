"""URLs for common's own suite."""

from django.urls import path

from common.routing import ERROR_HANDLERS, common_urlpatterns
from common.tests import views
from common.views import fast_json_read

urlpatterns = common_urlpatterns([
    path("api/echo", views.EchoApi.as_view()),
    path("api/boom", views.BoomApi.as_view()),
    path("api/throttled", views.ThrottledApi.as_view()),
    path("api/client-throttled", views.ClientThrottledApi.as_view()),
    path("api/whoami", views.WhoAmIApi.as_view()),
    path("api/admin-only", views.AdminOnlyApi.as_view()),
    path("api/service-only", views.ServiceOnlyApi.as_view()),
    path("api/order-service-only", views.OrderServiceOnlyApi.as_view()),
    path("api/admin-or-service", views.AdminOrServiceApi.as_view()),
    path("api/greetings/<str:name>",
         fast_json_read(views.GreetingApi.as_view(), views.greeting_read), name="greeting"),
    path("plain/boom", views.plain_boom),
    path("plain/ok/", views.plain_ok),
])

globals().update(ERROR_HANDLERS)
