"""URLs of the baseline: the same paths as product_service's reads."""

from django.urls import path

from baseline_project import views

urlpatterns = [
    path("api/products", views.product_list),
    path("api/products/<uuid:product_id>", views.product_detail),
    path("healthz", views.healthz),
]
