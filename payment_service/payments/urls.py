"""Routes of the payments app (mounted under /api/)."""

from django.urls import path

from payments import apis

urlpatterns = [
    path("payments", apis.PaymentListCreateApi.as_view(), name="payment-list"),
    path("payments/<uuid:payment_id>", apis.PaymentDetailApi.as_view(), name="payment-detail"),
    path("payments/<uuid:payment_id>/capture", apis.PaymentCaptureApi.as_view(),
         name="payment-capture"),
    path("payments/<uuid:payment_id>/void", apis.PaymentVoidApi.as_view(), name="payment-void"),
    path("payments/<uuid:payment_id>/refund", apis.PaymentRefundApi.as_view(),
         name="payment-refund"),
]
