"""HTTP API of notification_service: a user's own notifications, one, and marking one read."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth import is_admin
from common.openapi import PageQuerySerializer, error_responses, paginated
from common.pagination import paginated_response
from notifications import selectors, services
from notifications.models import ChannelStatus, NotificationKind


class NotificationOutputSerializer(serializers.Serializer):
    class ChannelsSerializer(serializers.Serializer):
        email = serializers.ChoiceField(choices=ChannelStatus.choices)

    id = serializers.UUIDField()
    user_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    title = serializers.CharField()
    body = serializers.CharField()
    channels = ChannelsSerializer()
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    event_id = serializers.UUIDField()


class NotificationListQuerySerializer(PageQuerySerializer):
    unread = serializers.BooleanField(required=False, allow_null=True, default=None,
                                      help_text="true: only unread ones; false: only read ones.")


class NotificationListApi(APIView):
    """`GET /api/notifications`: the caller's own, newest first."""

    @extend_schema(parameters=[NotificationListQuerySerializer],
                   responses={200: paginated(NotificationOutputSerializer),
                              **error_responses(400, 401)})
    def get(self, request):
        query = NotificationListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        notifications = selectors.notification_list(user_id=request.user.id,
                                                    unread=query.validated_data["unread"])
        return paginated_response(request, notifications, NotificationOutputSerializer)


def _visible(request, notification_id):
    """The notification when the caller owns it or is an ADMIN; anybody else's is a 404."""
    notification = selectors.notification_get(notification_id=notification_id)
    if notification is None or not (notification.user_id == request.user.id
                                    or is_admin(request.user)):
        raise NotFound("Notification not found.")
    return notification


class NotificationDetailApi(APIView):
    """`GET /api/notifications/<id>`: for its owner and ADMINs."""

    @extend_schema(responses={200: NotificationOutputSerializer, **error_responses(401, 404)})
    def get(self, request, notification_id):
        return Response(NotificationOutputSerializer(_visible(request, notification_id)).data)


class NotificationReadApi(APIView):
    """`POST /api/notifications/<id>/read`: the owner marks it read (again: no change)."""

    @extend_schema(request=None,
                   responses={200: NotificationOutputSerializer,
                              **error_responses(401, 403, 404)})
    def post(self, request, notification_id):
        notification = _visible(request, notification_id)
        if notification.user_id != request.user.id:
            raise PermissionDenied("Only its owner can mark a notification read.")
        notification = services.notification_mark_read(notification=notification)
        return Response(NotificationOutputSerializer(notification).data)
