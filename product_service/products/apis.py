"""HTTP API of product_service: one view per operation, each with its own serializers."""

import uuid
from collections.abc import Mapping
from decimal import Decimal

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth import IsAdmin, service_callers
from common.lines import line_items_field
from common.money import DECIMAL_PLACES, PRICE_DIGITS
from common.openapi import PageQuerySerializer, error_responses, paginated
from common.pagination import parse_page_params
from common.responses import created_or_replayed
from common.views import ReplaceOrPatchApi
from products import selectors, services
from products.models import Product

MAX_IDS = 100
# The one service that reserves and releases stock.
ORDER_SERVICE = "order_service"
MAX_PRICE = Decimal("99999999.99")
MAX_STOCK = 2_147_483_647
MAX_REFERENCE_LENGTH = 100
UUID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# Positive, at most 8 digits before the point and 2 after: what the price rules accept.
PRICE_PATTERN = r"^(?:[1-9]\d{0,7}(?:\.\d{1,2})?|0?\.(?:0[1-9]|[1-9]\d?))$"


class ProductOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField()
    price = serializers.DecimalField(max_digits=PRICE_DIGITS,
                                     decimal_places=DECIMAL_PLACES)
    stock = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


def _timestamp(value) -> str:
    """A datetime as DRF writes it: ISO 8601, UTC as `Z`."""
    return value.isoformat().replace("+00:00", "Z")


def product_data(row: Mapping) -> dict:
    """What `ProductOutputSerializer` answers, built directly from a product's fields: product
    reads are the hottest path of the platform and DRF's field machinery was most of their
    CPU (docs/benchmarks.md). The serializer stays as the documented shape; a test checks
    that the two agree."""
    return {"id": str(row["id"]), "name": row["name"], "description": row["description"],
            "price": f"{row['price']:.{DECIMAL_PLACES}f}", "stock": row["stock"],
            "created_at": _timestamp(row["created_at"]),
            "updated_at": _timestamp(row["updated_at"])}


def _product_output(product: Product) -> dict:
    return product_data({field.attname: getattr(product, field.attname)
                         for field in Product._meta.concrete_fields})


@extend_schema_field({"type": "string", "format": "decimal", "pattern": PRICE_PATTERN,
                      "example": "19.99"})
class PriceField(serializers.DecimalField):
    """A price: documented as the positive two-place decimal string it must be."""


class ProductListQuerySerializer(PageQuerySerializer):
    """The query parameters of `GET /api/products`, for the OpenAPI document."""

    search = serializers.CharField(required=False, allow_blank=True,
                                   help_text="Case-insensitive match on the name.")
    ids = serializers.RegexField(rf"^{UUID_PATTERN}(?:,{UUID_PATTERN}){{0,{MAX_IDS - 1}}}$",
                                 required=False,
                                 help_text=f"Comma-separated product ids (at most {MAX_IDS}).")


class ProductInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(allow_blank=True, required=False, default="")
    price = PriceField(max_digits=PRICE_DIGITS, decimal_places=DECIMAL_PLACES,
                       max_value=MAX_PRICE)
    stock = serializers.IntegerField(min_value=0, max_value=MAX_STOCK)

    def validate_price(self, value):
        if value <= 0:
            raise ValidationError("Ensure this value is greater than 0.")
        return value


def _parse_ids(raw: str) -> list[uuid.UUID]:
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not parts:
        raise ValidationError({"ids": ["Give at least one product id."]})
    if len(parts) > MAX_IDS:
        raise ValidationError({"ids": [f"Ensure there are no more than {MAX_IDS} ids."]})
    try:
        return list(dict.fromkeys(uuid.UUID(part) for part in parts))
    except ValueError:
        raise ValidationError({"ids": ["Every id must be a valid UUID."]}) from None


def _list_query(params) -> dict:
    """The validated query of `GET /api/products`: limit, offset, search, ids."""
    limit, offset = parse_page_params(params)
    raw_ids, search = params.get("ids"), params.get("search") or None
    if search is not None and "\x00" in search:
        raise ValidationError({"search": ["Null characters are not allowed."]})
    ids = _parse_ids(raw_ids) if raw_ids is not None else None
    if ids is not None:  # a batch fetch answers every id asked for in one page
        limit = max(limit, len(ids))
    return {"limit": limit, "offset": offset, "search": search, "ids": ids}


def _product_or_404(product_id):
    product = selectors.product_get(product_id=product_id)
    if product is None:
        raise NotFound("Product not found.")
    return product


def product_list_page(*, limit: int, offset: int, search: str | None = None,
                      ids: list[uuid.UUID] | None = None) -> dict:
    """The answer of `GET /api/products`: one page of the matching products."""
    rows, count = selectors.product_page(limit=limit, offset=offset, search=search, ids=ids)
    return {"count": count, "limit": limit, "offset": offset,
            "results": [product_data(row) for row in rows]}


def catalog_page_read(request) -> dict | None:
    """The anonymous JSON `GET /api/products` (common.views.fast_json_read); a bad parameter
    is left to the DRF view, which answers the error."""
    try:
        query = _list_query(request.GET)
    except ValidationError:
        return None
    return product_list_page(**query)


def product_read(request, product_id) -> dict | None:
    """The anonymous JSON `GET /api/products/<id>`; an unknown id is left to the DRF view."""
    row = selectors.product_row_get(product_id=product_id)
    return product_data(row) if row is not None else None


class PublicReadApi(APIView):
    """Anyone reads; only ADMINs write."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated(), IsAdmin()]


class ProductListCreateApi(PublicReadApi):
    """`GET /api/products` for anyone; `POST /api/products` for ADMINs."""

    @extend_schema(parameters=[ProductListQuerySerializer],
                   responses={200: paginated(ProductOutputSerializer), **error_responses(400, 401)})
    def get(self, request):
        return Response(product_list_page(**_list_query(request.query_params)))

    @extend_schema(request=ProductInputSerializer,
                   responses={201: ProductOutputSerializer, **error_responses(400, 401, 403)})
    def post(self, request):
        data = ProductInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = services.product_create(**data.validated_data)
        return Response(_product_output(product), status=status.HTTP_201_CREATED)


class ProductDetailApi(ReplaceOrPatchApi, PublicReadApi):
    """One product: anyone reads it, ADMINs change and delete it."""

    update_input = ProductInputSerializer
    update_output = ProductOutputSerializer

    @extend_schema(responses={200: ProductOutputSerializer, **error_responses(401, 404)})
    def get(self, request, product_id):
        data = product_read(request, product_id)
        if data is None:
            raise NotFound("Product not found.")
        return Response(data)

    def update(self, request, product_id, *, partial: bool):
        product = _product_or_404(product_id)
        data = ProductInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        product = services.product_update(product=product, changes=data.validated_data)
        return Response(_product_output(product))

    @extend_schema(responses={204: None, **error_responses(401, 403, 404)})
    def delete(self, request, product_id):
        services.product_delete(product=_product_or_404(product_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReservationOutputSerializer(serializers.Serializer):
    @extend_schema_serializer(component_name="ReservationLine")
    class LineSerializer(serializers.Serializer):
        product_id = serializers.UUIDField()
        quantity = serializers.IntegerField()
        name = serializers.CharField(help_text="The product's name when it was reserved.")
        unit_price = serializers.DecimalField(
            max_digits=PRICE_DIGITS, decimal_places=DECIMAL_PLACES, allow_null=True,
            help_text="The product's price when it was reserved (null for a line reserved "
                      "before prices were kept).")

    reference = serializers.CharField()
    items = LineSerializer(source="lines", many=True)
    status = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    released_at = serializers.DateTimeField(allow_null=True)

    def get_status(self, reservation) -> str:
        return "released" if reservation.is_released else "reserved"


class ReservationCreateApi(APIView):
    """`POST /api/products/reservations` (order_service): reserve stock for an order, all or
    nothing; each line answers the product's name and unit price at the moment of reserving,
    so the order needs no other call (unknown products: 400 `unknown_product`, short stock:
    409 `insufficient_stock`)."""

    permission_classes = [IsAuthenticated, service_callers(ORDER_SERVICE)]

    @extend_schema_serializer(component_name="ReservationCreate")
    class InputSerializer(serializers.Serializer):
        reference = serializers.CharField(max_length=MAX_REFERENCE_LENGTH)
        items = line_items_field()

    @extend_schema(request=InputSerializer,
                   responses={201: ReservationOutputSerializer, 200: ReservationOutputSerializer,
                              **error_responses(400, 401, 403, 409)})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reservation, created = services.reservation_create(**data.validated_data)
        return created_or_replayed(ReservationOutputSerializer(reservation).data, created=created)


class ReservationReleaseApi(APIView):
    """`DELETE /api/products/reservations/<reference>` (order_service): give the stock back,
    once."""

    permission_classes = [IsAuthenticated, service_callers(ORDER_SERVICE)]

    @extend_schema(responses={204: None, **error_responses(401, 403, 404)})
    def delete(self, request, reference):
        if len(reference) > MAX_REFERENCE_LENGTH or "\x00" in reference:
            raise NotFound("Reservation not found.")
        services.reservation_release(reference=reference)
        return Response(status=status.HTTP_204_NO_CONTENT)
