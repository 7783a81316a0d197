"""Routes of the orders app (mounted under /api/)."""

from django.urls import path

from orders import apis

urlpatterns = [
    path("orders", apis.OrderListCreateApi.as_view(), name="order-list"),
    path("orders/user/<uuid:user_id>", apis.OrderUserListApi.as_view(), name="order-user-list"),
    path("orders/<uuid:order_id>", apis.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<uuid:order_id>/status", apis.OrderStatusApi.as_view(), name="order-status"),
]
