"""Routes of the vouchers app (mounted under /api/)."""

from django.urls import path

from vouchers import apis

urlpatterns = [
    path("vouchers", apis.VoucherListCreateApi.as_view(), name="voucher-list"),
    path("vouchers/<uuid:voucher_id>", apis.VoucherDetailApi.as_view(), name="voucher-detail"),
]
