"""Routes of the purchases app (mounted under /api/)."""

from django.urls import path

from purchases import apis

urlpatterns = [
    path("purchases", apis.PurchaseListCreateApi.as_view(), name="purchase-list"),
    path("purchases/<uuid:purchase_id>", apis.PurchaseDetailApi.as_view(),
         name="purchase-detail"),
    path("purchases/<uuid:purchase_id>/retry", apis.PurchaseRetryApi.as_view(),
         name="purchase-retry"),
]
