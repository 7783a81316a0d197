"""URLs of the baseline: the same paths as product_service's reads, and the order floor's
(baseline_project.orders)."""

from django.urls import path

from baseline_project import orders, views

urlpatterns = [
    path("api/products", views.product_list),
    path("api/products/<uuid:product_id>", views.product_detail),
    path("api/products/reservations", orders.reservation_create),
    path("api/orders", orders.order_create),
    path("healthz", views.healthz),
]
