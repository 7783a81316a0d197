"""Routes of the deliveries app (mounted under /api/)."""

from django.urls import path

from deliveries import apis

urlpatterns = [
    path("delivery", apis.DeliveryCreateApi.as_view(), name="delivery-create"),
    path("delivery/<str:tracking_code>", apis.DeliveryDetailApi.as_view(),
         name="delivery-detail"),
]
