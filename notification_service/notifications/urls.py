"""Routes of the notifications app (mounted under /api/)."""

from django.urls import path

from notifications import apis

urlpatterns = [
    path("notifications", apis.NotificationListApi.as_view(), name="notification-list"),
    path("notifications/<uuid:notification_id>", apis.NotificationDetailApi.as_view(),
         name="notification-detail"),
    path("notifications/<uuid:notification_id>/read", apis.NotificationReadApi.as_view(),
         name="notification-read"),
]
