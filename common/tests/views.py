"""Views that exercise common's plumbing in its own suite."""

import logging
from decimal import Decimal

from django.http import HttpResponse
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from common.auth import IsAdmin, IsAdminOrService, IsService, service_callers
from common.limits import ClientRateThrottle
from common.pagination import LimitOffsetPagination

logger = logging.getLogger("common.tests")


class EchoApi(APIView):
    """POST validates a price; GET lists 0..count-1 paginated."""

    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))

    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        logger.info("echo accepted")
        return Response(data.data, status=201)

    def get(self, request):
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(list(range(int(request.GET.get("count", 42)))),
                                           request, view=self)
        return paginator.get_paginated_response(page)


class BoomApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("secret database password leaked in a stack trace")


def plain_boom(request):
    raise ValueError("plain Django view failure")


def plain_ok(request):
    return HttpResponse("ok")


class TwoPerMinute(AnonRateThrottle):
    rate = "2/min"


class ThrottledApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [TwoPerMinute]

    def get(self, request):
        return Response({"ok": True})


class TwoPerClient(ClientRateThrottle):
    scope = "two_per_client"
    rate = "2/min"


class ClientThrottledApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [TwoPerClient]

    def get(self, request):
        return Response({"ok": True})


class WhoAmIApi(APIView):
    def get(self, request):
        return Response({"id": str(request.user.id), "role": request.user.role,
                         "email": request.user.email})


class AdminOnlyApi(APIView):
    permission_classes = [IsAdmin]

    def get(self, request):
        return Response({"ok": True})


class ServiceOnlyApi(APIView):
    permission_classes = [IsService]

    def get(self, request):
        return Response({"ok": True})


class OrderServiceOnlyApi(APIView):
    permission_classes = [service_callers("order_service")]

    def get(self, request):
        return Response({"caller": request.user.service})


class AdminOrServiceApi(APIView):
    permission_classes = [IsAdminOrService]

    def get(self, request):
        return Response({"ok": True})


class GreetingApi(APIView):
    """GET for anyone (its anonymous JSON GETs go through fast_json_read); POST answers 201."""

    permission_classes = [AllowAny]

    def get(self, request, name):
        if name == "nobody":
            raise NotFound("No such name.")
        return Response({"hello": name, "via": "drf"})

    def post(self, request, name):
        return Response({"posted": name}, status=201)


def greeting_read(request, name):
    return None if name == "nobody" else {"hello": name, "via": "fast"}
