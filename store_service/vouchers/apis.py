"""HTTP API of vouchers (ADMIN only): one view per operation, each with its own serializers."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth import IsAdmin
from common.money import DECIMAL_PLACES, PRICE_DIGITS
from common.openapi import PageQuerySerializer, error_responses, paginated
from common.pagination import paginated_response
from common.views import ReplaceOrPatchApi
from vouchers import selectors, services

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"


class VoucherOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    percent_off = serializers.IntegerField(allow_null=True)
    amount_off = serializers.DecimalField(max_digits=PRICE_DIGITS, decimal_places=DECIMAL_PLACES,
                                          allow_null=True)
    valid_until = serializers.DateTimeField(allow_null=True)
    max_uses = serializers.IntegerField(allow_null=True)
    uses = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class VoucherInputSerializer(serializers.Serializer):
    code = serializers.RegexField(CODE_PATTERN, max_length=50, error_messages={
        "invalid": "Use letters, digits, '-' and '_' only."})
    percent_off = serializers.IntegerField(min_value=1, max_value=100, required=False,
                                           allow_null=True)
    amount_off = serializers.DecimalField(max_digits=PRICE_DIGITS, decimal_places=DECIMAL_PLACES,
                                          min_value=Decimal("0.01"), required=False,
                                          allow_null=True)
    valid_until = serializers.DateTimeField(required=False, allow_null=True)
    max_uses = serializers.IntegerField(min_value=1, max_value=2_147_483_647, required=False,
                                        allow_null=True)


class VoucherListCreateApi(APIView):
    permission_classes = [IsAuthenticated, IsAdmin]

    @extend_schema(request=VoucherInputSerializer,
                   responses={201: VoucherOutputSerializer, **error_responses(400, 401, 403)})
    def post(self, request):
        data = VoucherInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        voucher = services.voucher_create(**data.validated_data)
        return Response(VoucherOutputSerializer(voucher).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[PageQuerySerializer],
                   responses={200: paginated(VoucherOutputSerializer),
                              **error_responses(400, 401, 403)})
    def get(self, request):
        return paginated_response(request, selectors.voucher_list(), VoucherOutputSerializer)


class VoucherDetailApi(ReplaceOrPatchApi):
    permission_classes = [IsAuthenticated, IsAdmin]
    update_input = VoucherInputSerializer
    update_output = VoucherOutputSerializer

    def _get(self, voucher_id):
        voucher = selectors.voucher_get(voucher_id=voucher_id)
        if voucher is None:
            raise NotFound("Voucher not found.")
        return voucher

    @extend_schema(responses={200: VoucherOutputSerializer, **error_responses(401, 403, 404)})
    def get(self, request, voucher_id):
        return Response(VoucherOutputSerializer(self._get(voucher_id)).data)

    def update(self, request, voucher_id, *, partial: bool):
        voucher = self._get(voucher_id)
        data = VoucherInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        if not partial:  # PUT replaces: what is not sent is cleared
            for field in ("percent_off", "amount_off", "valid_until", "max_uses"):
                changes.setdefault(field, None)
        voucher = services.voucher_update(voucher=voucher, changes=changes)
        return Response(VoucherOutputSerializer(voucher).data)

    @extend_schema(responses={204: None, **error_responses(401, 403, 404)})
    def delete(self, request, voucher_id):
        services.voucher_delete(voucher=self._get(voucher_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
