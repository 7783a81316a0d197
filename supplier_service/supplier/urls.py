"""Routes of the supplier app (mounted under /api/)."""

from django.urls import path

from supplier import apis

urlpatterns = [
    path("info/<str:state>", apis.ProviderInfoApi.as_view(), name="provider-info"),
    path("order", apis.OrderCreateApi.as_view(), name="order-create"),
    path("order/<str:order_number>", apis.OrderDetailApi.as_view(), name="order-detail"),
    path("order/<str:order_number>/cancel", apis.OrderCancelApi.as_view(), name="order-cancel"),
]
