"""HTTP API of order_service: one view per operation, each with its own serializers."""

import uuid

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth import is_admin, is_service, service_callers
from common.lines import line_items_field
from common.money import DECIMAL_PLACES, PRICE_DIGITS, TOTAL_DIGITS
from common.openapi import PageQuerySerializer, error_responses, paginated
from common.pagination import paginated_response
from orders import selectors, services
from orders.status import OrderStatus

IDEMPOTENCY_HEADER = "Idempotency-Key"
# The one service that reads any order and moves orders: the store, which buys them.
STORE_CALLER = service_callers("store_service")
IDEMPOTENCY_KEY_MAX_LENGTH = 255


class OrderOutputSerializer(serializers.Serializer):
    @extend_schema_serializer(component_name="OrderItem")
    class ItemSerializer(serializers.Serializer):
        product_id = serializers.UUIDField()
        name = serializers.CharField()
        unit_price = serializers.DecimalField(max_digits=PRICE_DIGITS,
                                              decimal_places=DECIMAL_PLACES)
        quantity = serializers.IntegerField()
        line_total = serializers.DecimalField(max_digits=TOTAL_DIGITS,
                                              decimal_places=DECIMAL_PLACES)

    id = serializers.UUIDField()
    user_id = serializers.UUIDField()
    items = ItemSerializer(many=True)
    total_amount = serializers.DecimalField(max_digits=TOTAL_DIGITS,
                                            decimal_places=DECIMAL_PLACES)
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class OrderListQuerySerializer(PageQuerySerializer):
    user_id = serializers.UUIDField(required=False,
                                    help_text="Only this user's orders (ADMIN; a USER: oneself).")


def _user_id_param(request) -> uuid.UUID | None:
    raw = request.query_params.get("user_id")
    if raw is None or raw == "":
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValidationError({"user_id": ["Must be a valid UUID."]}) from None


def _idempotency_key(request) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise ValidationError({IDEMPOTENCY_HEADER: [
            f"Must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters."]})
    return key


def _refuse_other_services(request) -> None:
    """A SERVICE token from any service but the store is a 403."""
    if is_service(request.user) and not STORE_CALLER().has_permission(request, None):
        raise PermissionDenied(STORE_CALLER.message)


class OrderListCreateApi(APIView):
    """`POST /api/orders` creates an order; `GET /api/orders` lists the caller's (ADMIN: all)."""

    @extend_schema_serializer(component_name="OrderCreate")
    class InputSerializer(serializers.Serializer):
        items = line_items_field()
        user_id = serializers.UUIDField(required=False)

    @extend_schema(
        request=InputSerializer,
        parameters=[OpenApiParameter(IDEMPOTENCY_HEADER, str, OpenApiParameter.HEADER,
                                     description="Retrying with the same key returns the "
                                                 "first order instead of creating another.")],
        responses={201: OrderOutputSerializer, **error_responses(400, 401, 403, 409, 503)},
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = _idempotency_key(request)
        caller = request.user
        user_id = data.validated_data.get("user_id", caller.id)
        if user_id != caller.id and not is_admin(caller):
            raise PermissionDenied("You may only order for yourself.")
        # A USER's or ADMIN's own verified token vouches that the user exists.
        verified = user_id == caller.id and not is_service(caller)
        order, _ = services.order_create(caller_id=caller.id, user_id=user_id,
                                         items=data.validated_data["items"],
                                         user_verified=verified, idempotency_key=key)
        # A replay answers exactly like the first create did.
        return Response(OrderOutputSerializer(order).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OrderListQuerySerializer],
                   responses={200: paginated(OrderOutputSerializer),
                              **error_responses(400, 401, 403)})
    def get(self, request):
        user_id = _user_id_param(request)
        if not is_admin(request.user):
            if user_id is not None and user_id != request.user.id:
                raise PermissionDenied("You may only list your own orders.")
            user_id = request.user.id
        orders = selectors.order_list(user_id=user_id)
        return paginated_response(request, orders, OrderOutputSerializer)


class OrderDetailApi(APIView):
    """One order, for its owner, ADMINs and store_service; anybody else's is a 404 (another
    service: 403)."""

    @extend_schema(responses={200: OrderOutputSerializer, **error_responses(401, 404)})
    def get(self, request, order_id):
        caller = request.user
        _refuse_other_services(request)
        order = selectors.order_get(order_id=order_id)
        if order is None or not (order.user_id == caller.id or is_admin(caller)
                                 or is_service(caller)):
            raise NotFound("Order not found.")
        return Response(OrderOutputSerializer(order).data)


class OrderUserListApi(APIView):
    """`GET /api/orders/user/<user_id>`: that user's orders, for the user and ADMINs."""

    @extend_schema(parameters=[PageQuerySerializer],
                   responses={200: paginated(OrderOutputSerializer),
                              **error_responses(400, 401, 403)})
    def get(self, request, user_id):
        if user_id != request.user.id and not is_admin(request.user):
            raise PermissionDenied("You may only list your own orders.")
        orders = selectors.order_list(user_id=user_id)
        return paginated_response(request, orders, OrderOutputSerializer)


class OrderStatusApi(APIView):
    """`PUT /api/orders/<id>/status`: one move of the status state machine, by ADMINs and
    store_service (another service: 403); an owner may cancel their own pending order
    (someone else's order is a 404, any other move by a USER a 403)."""

    @extend_schema_serializer(component_name="OrderStatusChange")
    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=OrderStatus.choices)

    @extend_schema(request=InputSerializer,
                   responses={200: OrderOutputSerializer,
                              **error_responses(400, 401, 403, 404, 409, 503)})
    def put(self, request, order_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        status_ = data.validated_data["status"]
        caller = request.user
        _refuse_other_services(request)
        if is_admin(caller) or is_service(caller):
            order = services.order_status_change(order_id=order_id, status=status_)
            return Response(OrderOutputSerializer(order).data)
        order = selectors.order_get(order_id=order_id)
        if order is None or order.user_id != caller.id:
            raise NotFound("Order not found.")
        if status_ != OrderStatus.CANCELLED:
            raise PermissionDenied("You may only cancel your own pending order.")
        order = services.order_cancel_by_owner(order_id=order_id, user_id=caller.id)
        return Response(OrderOutputSerializer(order).data)
