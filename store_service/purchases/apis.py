"""HTTP API of purchases: one view per operation, each with its own serializers."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.addresses import AddressSerializer
from common.auth import Role, is_admin
from common.money import DECIMAL_PLACES, TOTAL_DIGITS
from common.openapi import PageQuerySerializer, error_responses, paginated
from common.pagination import paginated_response
from purchases import selectors, services, states


class IsCustomer(BasePermission):
    """USER and ADMIN tokens: purchases are made by people, not by services."""

    message = "Purchases are made with a USER or ADMIN token."

    def has_permission(self, request, view):
        return getattr(request.user, "role", None) in (Role.USER, Role.ADMIN)


class HistorySerializer(serializers.Serializer):
    # `from` is a Python keyword: the field is named in the serializer's fields map below.
    to = serializers.CharField(source="to_state")
    at = serializers.DateTimeField()
    note = serializers.CharField()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.CharField(source="from_state", allow_null=True)
        return {"from": fields.pop("from"), **fields}


def _money() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=TOTAL_DIGITS, decimal_places=DECIMAL_PLACES)


class PaymentSerializer(serializers.Serializer):
    id = serializers.UUIDField(allow_null=True)
    status = serializers.CharField()
    amount = _money()
    card_last4 = serializers.CharField(allow_null=True)


class PurchaseOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    order_id = serializers.UUIDField()
    user_id = serializers.UUIDField()
    state = serializers.ChoiceField(choices=states.CHOICES)
    address = serializers.SerializerMethodField()
    items = serializers.JSONField()
    voucher_code = serializers.SerializerMethodField()
    subtotal = _money()
    discount = _money()
    total = _money()
    payment = serializers.SerializerMethodField()
    settled = serializers.SerializerMethodField()
    info_order = serializers.JSONField(allow_null=True)
    info_provider = serializers.JSONField(allow_null=True)
    info_delivery = serializers.JSONField(allow_null=True)
    failure_reason = serializers.SerializerMethodField()
    last_error = serializers.SerializerMethodField()
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.SerializerMethodField()
    history = HistorySerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_address(self, purchase) -> AddressSerializer:
        return purchase.address

    def get_payment(self, purchase) -> PaymentSerializer(allow_null=True):
        if not purchase.payment:
            return None
        return PaymentSerializer(purchase.payment).data

    def get_settled(self, purchase) -> bool:
        """False while a failed purchase still holds a supplier order, money or stock."""
        return not purchase.compensation_pending

    def get_voucher_code(self, purchase) -> str | None:
        return purchase.voucher_code or None

    def get_failure_reason(self, purchase) -> str | None:
        return purchase.failure_reason or None

    def get_last_error(self, purchase) -> str | None:
        return purchase.last_error or None

    def get_next_attempt_at(self, purchase) -> serializers.DateTimeField(allow_null=True):
        # Only a purchase waiting for a retry has a next attempt worth showing.
        if ((purchase.state in states.FINAL and not purchase.compensation_pending)
                or purchase.next_attempt_at is None):
            return None
        return serializers.DateTimeField().to_representation(purchase.next_attempt_at)


def _answer(purchase, *, done_status: int) -> Response:
    """`done_status` once the purchase reached a final state, 202 while it waits for a retry
    or for the worker to take the next step."""
    selectors.purchase_history_load(purchase=purchase)
    code = done_status if purchase.state in states.FINAL else status.HTTP_202_ACCEPTED
    return Response(PurchaseOutputSerializer(purchase).data, status=code)


def prefers_async(request) -> bool:
    """RFC 7240: `Prefer: respond-async` asks for an answer before the work is done."""
    preferences = request.headers.get("Prefer", "")
    return any(part.split(";")[0].strip().lower() == "respond-async"
               for part in preferences.split(","))


def _visible_purchase(request, purchase_id):
    purchase = selectors.purchase_get(purchase_id=purchase_id)
    if purchase is None or not (is_admin(request.user)
                                or str(purchase.user_id) == str(request.user.id)):
        raise NotFound("Purchase not found.")
    return purchase


class PaymentInputSerializer(serializers.Serializer):
    card_token = serializers.CharField(max_length=100)


class PurchaseListCreateApi(APIView):
    """`POST /api/purchases` fulfils one of the caller's pending orders; `GET` lists purchases."""

    permission_classes = [IsAuthenticated, IsCustomer]

    class InputSerializer(serializers.Serializer):
        order_id = serializers.UUIDField()
        address = AddressSerializer()
        voucher_code = serializers.CharField(max_length=50, required=False, allow_blank=True,
                                             allow_null=True)
        payment = PaymentInputSerializer()

    @extend_schema(
        request=InputSerializer,
        responses={201: PurchaseOutputSerializer, 202: PurchaseOutputSerializer,
                   **error_responses(400, 401, 402, 403, 404, 409, 503)},
        parameters=[OpenApiParameter(
            "Prefer", str, OpenApiParameter.HEADER, enum=["respond-async"],
            description="`respond-async`: answer 202 as soon as the payment is authorized "
                        "(`Preference-Applied: respond-async`); the worker takes the "
                        "purchase on from there.")],
        description="201 when the purchase reached RESERVE_DELIVERED or FAILED (see "
                    "`state`/`failure_reason`); 202 when it is waiting for a retry, or with "
                    "`Prefer: respond-async` once the payment is authorized; 402 "
                    "`payment_declined` with `reason` and `details.purchase_id` when the card "
                    "was declined (the purchase is FAILED).")
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        early = prefers_async(request)
        purchase = services.purchase_create(
            user_id=request.user.id, order_id=data.validated_data["order_id"],
            address=data.validated_data["address"],
            card_token=data.validated_data["payment"]["card_token"],
            voucher_code=(data.validated_data.get("voucher_code") or "").strip() or None,
            first_step_only=early)
        response = _answer(purchase, done_status=status.HTTP_201_CREATED)
        if early:
            response["Preference-Applied"] = "respond-async"
        response["Location"] = f"/api/purchases/{purchase.id}"
        return response

    @extend_schema(
        parameters=[OpenApiParameter("state", str, enum=[s for s, _ in states.CHOICES]),
                    OpenApiParameter("user_id", str, description="ADMIN only: one user's."),
                    PageQuerySerializer],
        responses={200: paginated(PurchaseOutputSerializer), **error_responses(400, 401, 403)})
    def get(self, request):
        if is_admin(request.user):
            user_id = request.query_params.get("user_id") or None
            if user_id is not None:
                user_id = serializers.UUIDField().run_validation(user_id)
        else:
            user_id = request.user.id
        state = request.query_params.get("state") or None
        if state is not None and state not in states.MOVES:
            raise serializers.ValidationError({"state": [f"Unknown state {state!r}."]})
        purchases = selectors.purchase_list(user_id=user_id, state=state)
        return paginated_response(request, purchases, PurchaseOutputSerializer)


class PurchaseDetailApi(APIView):
    permission_classes = [IsAuthenticated, IsCustomer]

    @extend_schema(responses={200: PurchaseOutputSerializer, **error_responses(401, 403, 404)})
    def get(self, request, purchase_id):
        return Response(PurchaseOutputSerializer(_visible_purchase(request, purchase_id)).data)


class PurchaseRetryApi(APIView):
    permission_classes = [IsAuthenticated, IsCustomer]

    @extend_schema(
        request=None,
        responses={200: PurchaseOutputSerializer, 202: PurchaseOutputSerializer,
                   **error_responses(401, 403, 404, 409)},
        description="Runs the remaining steps now: 200 when the purchase reached a final "
                    "state, 202 when it is waiting for another retry; 409 when it already was "
                    "RESERVE_DELIVERED or FAILED.")
    def post(self, request, purchase_id):
        purchase = services.purchase_retry(purchase=_visible_purchase(request, purchase_id))
        return _answer(purchase, done_status=status.HTTP_200_OK)
