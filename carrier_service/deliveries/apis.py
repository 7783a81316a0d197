"""HTTP API of carrier_service (SERVICE tokens only): schedule and look up deliveries."""


from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from common.addresses import AddressSerializer
from common.auth import service_callers
from common.idempotency import IdempotentCreateApi, reference_field
from common.lines import LineItemSerializer, line_items_field
from common.money import DECIMAL_PLACES, PRICE_DIGITS
from common.openapi import error_responses
from deliveries import selectors, services

# Only the store buys from the partners (contract: "Both accept only SERVICE tokens, from
# store_service"); any other service's token is 403.
FromStore = service_callers("store_service")


class LocationSerializer(serializers.Serializer):
    """`{"address": {...}}` as in the contract; a bare address object is accepted too."""

    address = AddressSerializer()

    def to_internal_value(self, data):
        if isinstance(data, dict) and "address" not in data:
            data = {"address": data}
        return super().to_internal_value(data)


class DeliveryOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    tracking_code = serializers.CharField()
    reference = serializers.CharField()
    status = serializers.CharField()
    origin = serializers.SerializerMethodField()
    destination = serializers.SerializerMethodField()
    items = LineItemSerializer(many=True)
    items_count = serializers.IntegerField()
    estimated_delivery_date = serializers.DateField()
    cost = serializers.DecimalField(max_digits=PRICE_DIGITS, decimal_places=DECIMAL_PLACES)
    created_at = serializers.DateTimeField()

    def get_origin(self, delivery) -> dict:
        return {"address": delivery.origin}

    def get_destination(self, delivery) -> dict:
        return {"address": delivery.destination}


class DeliveryCreateApi(IdempotentCreateApi):
    """`POST /api/delivery`: schedule a delivery; idempotent by `reference` (a repeat is 200)."""

    permission_classes = [FromStore]
    OutputSerializer = DeliveryOutputSerializer

    class InputSerializer(serializers.Serializer):
        reference = reference_field()
        origin = LocationSerializer()
        destination = LocationSerializer()
        items = line_items_field()

    def create(self, *, reference, origin, destination, items):
        return services.delivery_create(reference=reference, origin=origin["address"],
                                        destination=destination["address"], items=items)


class DeliveryDetailApi(APIView):
    """`GET /api/delivery/<tracking_code>`."""

    permission_classes = [FromStore]

    @extend_schema(responses={200: DeliveryOutputSerializer, **error_responses(401, 403, 404)})
    def get(self, request, tracking_code):
        delivery = selectors.delivery_get(tracking_code=tracking_code)
        if delivery is None:
            raise NotFound("Delivery not found.")
        return Response(DeliveryOutputSerializer(delivery).data)
