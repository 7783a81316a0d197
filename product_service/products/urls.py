"""Routes of the products app (mounted under /api/)."""

from django.urls import path

from products import apis

urlpatterns = [
    path("products", apis.ProductListCreateApi.as_view(), name="product-list"),
    path("products/reservations", apis.ReservationCreateApi.as_view(), name="reservation-create"),
    path("products/reservations/<str:reference>", apis.ReservationReleaseApi.as_view(),
         name="reservation-release"),
    path("products/<uuid:product_id>", apis.ProductDetailApi.as_view(), name="product-detail"),
]
