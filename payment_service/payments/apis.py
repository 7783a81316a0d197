"""HTTP API of payment_service: one view per operation, each with its own serializers."""

from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth import admin_or_service_callers, service_callers
from common.idempotency import IdempotentCreateApi, reference_field
from common.money import DECIMAL_PLACES, TOTAL_DIGITS
from common.openapi import PageQuerySerializer, error_responses, paginated
from common.pagination import paginated_response
from payments import selectors, services, states
from payments.models import CURRENCY, MAX_AMOUNT

IDEMPOTENCY_HEADER = "Idempotency-Key"
STORE = "store_service"
# Money moves at the store's request only; ADMIN may read and refund.
FromStore = service_callers(STORE)
AdminOrStore = admin_or_service_callers(STORE)
MIN_AMOUNT = Decimal("0.01")


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=TOTAL_DIGITS, decimal_places=DECIMAL_PLACES,
                                    **kwargs)


class OperationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    amount = _money(allow_null=True)
    at = serializers.DateTimeField()
    outcome = serializers.CharField()
    reason = serializers.SerializerMethodField()

    def get_reason(self, operation) -> str | None:
        return operation.reason or None


class PaymentOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    user_id = serializers.UUIDField(allow_null=True)
    amount = _money()
    currency = serializers.CharField()
    status = serializers.ChoiceField(choices=states.CHOICES)
    card_brand = serializers.CharField()
    card_last4 = serializers.CharField()
    captured_amount = _money()
    refunded_amount = _money()
    decline_reason = serializers.SerializerMethodField()
    operations = OperationSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_decline_reason(self, payment) -> str | None:
        return payment.decline_reason or None


def _amount_field(**kwargs) -> serializers.DecimalField:
    return _money(min_value=MIN_AMOUNT, max_value=MAX_AMOUNT, **kwargs)


class PaymentListCreateApi(IdempotentCreateApi):
    """`POST /api/payments` authorizes a card (store only); `GET` lists payments (ADMIN, and
    the store, which looks a payment up by `reference` when an authorization's answer was
    lost)."""

    OutputSerializer = PaymentOutputSerializer
    error_statuses = (400, 401, 402, 403, 409, 503)
    create_description = (
        "201 authorized; 200 the same payment again for a known `reference`; "
        "402 `payment_declined` with `reason` (`card_declined`, "
        "`insufficient_funds`) and `details.payment_id`; 409 `reference_reused`; "
        "503 when the provider failed transiently (try again).")

    def get_permissions(self):
        return [FromStore()] if self.request.method == "POST" else [AdminOrStore()]

    class InputSerializer(serializers.Serializer):
        reference = reference_field()
        amount = _amount_field()
        currency = serializers.ChoiceField(choices=[CURRENCY], default=CURRENCY)
        card_token = serializers.CharField(max_length=100)
        user_id = serializers.UUIDField(required=False, allow_null=True)

    def create(self, **values):
        return services.payment_authorize(**values)

    def output(self, payment) -> dict:
        return PaymentOutputSerializer(selectors.payment_operations_load(payment=payment)).data

    @extend_schema(
        parameters=[OpenApiParameter("reference", str),
                    OpenApiParameter("status", str, enum=[s for s, _ in states.CHOICES]),
                    PageQuerySerializer],
        responses={200: paginated(PaymentOutputSerializer), **error_responses(400, 401, 403)})
    def get(self, request):
        status_filter = request.query_params.get("status") or None
        if status_filter is not None and status_filter not in states.STATUSES:
            raise serializers.ValidationError({"status": [f"Unknown status {status_filter!r}."]})
        payments = selectors.payment_list(reference=request.query_params.get("reference") or None,
                                          status=status_filter)
        return paginated_response(request, payments, PaymentOutputSerializer)


class PaymentDetailApi(APIView):
    permission_classes = [AdminOrStore]

    @extend_schema(responses={200: PaymentOutputSerializer, **error_responses(401, 403, 404)})
    def get(self, request, payment_id):
        payment = selectors.payment_get(payment_id=payment_id)
        if payment is None:
            raise NotFound(services.NOT_FOUND)
        return Response(PaymentOutputSerializer(payment).data)


def _answer(payment) -> Response:
    payment = selectors.payment_operations_load(payment=payment)
    return Response(PaymentOutputSerializer(payment).data, status=status.HTTP_200_OK)


class PaymentCaptureApi(APIView):
    permission_classes = [FromStore]

    @extend_schema(request=None, responses={200: PaymentOutputSerializer,
                                            **error_responses(401, 403, 404, 409, 503)},
                   description="Charges the authorized amount; a captured payment is answered "
                               "unchanged; 409 `payment_not_authorized` otherwise.")
    def post(self, request, payment_id):
        return _answer(services.payment_capture(payment_id=payment_id))


class PaymentVoidApi(APIView):
    permission_classes = [FromStore]

    @extend_schema(request=None, responses={200: PaymentOutputSerializer,
                                            **error_responses(401, 403, 404, 409, 503)},
                   description="Releases an authorization; a voided payment is answered "
                               "unchanged; 409 `payment_not_authorized` otherwise.")
    def post(self, request, payment_id):
        return _answer(services.payment_void(payment_id=payment_id))


class PaymentRefundApi(APIView):
    permission_classes = [AdminOrStore]

    class InputSerializer(serializers.Serializer):
        amount = _amount_field(required=False, allow_null=True)

    @extend_schema(
        request=InputSerializer,
        parameters=[OpenApiParameter(IDEMPOTENCY_HEADER, str, OpenApiParameter.HEADER,
                                     description="A refund with a key used before refunds "
                                                 "nothing again.")],
        responses={200: PaymentOutputSerializer, **error_responses(400, 401, 403, 404, 409, 503)},
        description="Refunds `amount` (default: all still refundable); 409 "
                    "`payment_not_captured` or `refund_exceeds_captured`.")
    def post(self, request, payment_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
        if len(key) > 255:
            raise serializers.ValidationError({IDEMPOTENCY_HEADER: ["At most 255 characters."]})
        return _answer(services.payment_refund(payment_id=payment_id,
                                               amount=data.validated_data.get("amount"),
                                               idempotency_key=key))
