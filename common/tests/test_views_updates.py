"""ReplaceOrPatchApi: PUT and PATCH are one `update`, documented the same way."""

from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from common.views import ReplaceOrPatchApi


class ThingInput(serializers.Serializer):
    name = serializers.CharField()


class ThingApi(ReplaceOrPatchApi):
    permission_classes = [AllowAny]
    authentication_classes = []
    update_input = ThingInput
    update_output = ThingInput

    def update(self, request, thing_id, *, partial):
        return Response({"thing": thing_id, "partial": partial})


def _send(method: str):
    request = getattr(APIRequestFactory(), method)("/things/7", {"name": "x"}, format="json")
    return ThingApi.as_view()(request, thing_id="7")


def test_put_replaces_and_patch_changes_part_through_one_update():
    assert _send("put").data == {"thing": "7", "partial": False}
    assert _send("patch").data == {"thing": "7", "partial": True}


def test_both_operations_carry_the_same_documented_request_and_answer():
    generator = SchemaGenerator(patterns=[path("things/<str:thing_id>", ThingApi.as_view())])
    operations = generator.get_schema(request=None, public=True)["paths"]["/things/{thing_id}"]

    for method in ("put", "patch"):
        operation = operations[method]
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert body.rsplit("/", 1)[1] in ("ThingInputRequest", "PatchedThingInputRequest")
        assert set(operation["responses"]) >= {"200", "400", "401", "403", "404"}
    assert "get" not in operations and "delete" not in operations


def test_a_view_that_names_no_serializers_gets_no_put_or_patch():
    class Abstract(ReplaceOrPatchApi):
        pass

    assert not hasattr(Abstract, "put") and not hasattr(Abstract, "patch")
