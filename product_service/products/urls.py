"""Routes of the products app (mounted under /api/)."""

from django.urls import path

from common.views import fast_json_read
from products import apis

urlpatterns = [
    # The two hottest public reads answer anonymous JSON GETs without DRF (common.views).
    path("products", fast_json_read(apis.ProductListCreateApi.as_view(), apis.catalog_page_read),
         name="product-list"),
    path("products/reservations", apis.ReservationCreateApi.as_view(), name="reservation-create"),
    path("products/reservations/<str:reference>", apis.ReservationReleaseApi.as_view(),
         name="reservation-release"),
    path("products/<uuid:product_id>",
         fast_json_read(apis.ProductDetailApi.as_view(), apis.product_read),
         name="product-detail"),
]
