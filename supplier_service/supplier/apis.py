"""HTTP API of supplier_service (SERVICE tokens only): provider info and supplier orders."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from common.addresses import AddressSerializer
from common.auth import service_callers
from common.idempotency import IdempotentCreateApi, reference_field
from common.lines import LineItemSerializer, line_items_field
from common.openapi import error_responses
from supplier import selectors, services

# Only the store buys from the partners (contract: "Both accept only SERVICE tokens, from
# store_service"); any other service's token is 403.
FromStore = service_callers("store_service")


class OrderOutputSerializer(serializers.Serializer):
    order_number = serializers.CharField()
    reference = serializers.CharField()
    status = serializers.CharField()
    items = LineItemSerializer(many=True, source="lines.all")
    estimated_ship_date = serializers.DateField()
    created_at = serializers.DateTimeField()
    cancelled_at = serializers.DateTimeField(allow_null=True)


class ProviderInfoApi(APIView):
    """`GET /api/info/<state>`: the provider serving a state, with its pickup address."""

    permission_classes = [FromStore]

    class OutputSerializer(serializers.Serializer):
        state = serializers.CharField()
        provider_name = serializers.CharField()
        address = AddressSerializer(source="*")
        lead_time_days = serializers.IntegerField()

    @extend_schema(responses={200: OutputSerializer, **error_responses(401, 403, 404)})
    def get(self, request, state):
        provider = selectors.provider_get_by_state(state=state)
        if provider is None:
            raise NotFound(f"No provider serves the state {state!r}.")
        return Response(self.OutputSerializer(provider).data)


class OrderCreateApi(IdempotentCreateApi):
    """`POST /api/order`: buy goods; idempotent by `reference` (a repeat answers 200)."""

    permission_classes = [FromStore]
    OutputSerializer = OrderOutputSerializer
    error_statuses = (400, 401, 403, 409)

    class InputSerializer(serializers.Serializer):
        reference = reference_field()
        items = line_items_field()

    def create(self, **values):
        return services.supplier_order_create(**values)


def _order_or_404(order_number: str):
    order = selectors.supplier_order_get(order_number=order_number)
    if order is None:
        raise NotFound("Supplier order not found.")
    return order


class OrderDetailApi(APIView):
    """`GET /api/order/<order_number>`."""

    permission_classes = [FromStore]

    @extend_schema(responses={200: OrderOutputSerializer, **error_responses(401, 403, 404)})
    def get(self, request, order_number):
        return Response(OrderOutputSerializer(_order_or_404(order_number)).data)


class OrderCancelApi(APIView):
    """`POST /api/order/<order_number>/cancel`: stock goes back once; a repeat is a no-op."""

    permission_classes = [FromStore]

    @extend_schema(request=None, responses={200: OrderOutputSerializer,
                                            **error_responses(401, 403, 404)})
    def post(self, request, order_number):
        order = services.supplier_order_cancel(order=_order_or_404(order_number))
        return Response(OrderOutputSerializer(order).data)
