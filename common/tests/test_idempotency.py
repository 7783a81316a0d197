"""IdempotentCreateApi: 201 then 200 with the same body, 400 on bad input, one schema shape."""

from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory

from common.idempotency import IdempotentCreateApi

CREATED: dict[str, dict] = {}


class ThingSerializer(serializers.Serializer):
    reference = serializers.CharField()
    size = serializers.IntegerField()


class ThingCreateApi(IdempotentCreateApi):
    """Make a thing once per reference."""

    permission_classes = [AllowAny]
    authentication_classes = []
    OutputSerializer = ThingSerializer
    error_statuses = (400, 409)
    create_description = "201 made; 200 the same thing again."

    class InputSerializer(serializers.Serializer):
        reference = serializers.CharField(max_length=10)
        size = serializers.IntegerField(min_value=1)

    def create(self, *, reference, size):
        if reference in CREATED:
            return CREATED[reference], False
        CREATED[reference] = {"reference": reference, "size": size}
        return CREATED[reference], True


def _post(body):
    request = APIRequestFactory().post("/things", body, format="json")
    return ThingCreateApi.as_view()(request)


def test_the_first_call_creates_and_a_repeat_replays_the_same_body():
    CREATED.clear()
    first = _post({"reference": "a", "size": 3})
    again = _post({"reference": "a", "size": 5})

    assert first.status_code == 201 and first.data == {"reference": "a", "size": 3}
    assert again.status_code == 200 and again.data == first.data


def test_bad_input_is_a_validation_error_and_creates_nothing():
    CREATED.clear()
    response = _post({"reference": "b", "size": 0})

    assert response.status_code == 400
    assert CREATED == {}


def test_the_schema_documents_the_request_both_answers_and_the_errors():
    generator = SchemaGenerator(patterns=[path("things", ThingCreateApi.as_view())])
    operation = generator.get_schema(request=None, public=True)["paths"]["/things"]["post"]

    assert {"200", "201", "400", "409"} <= set(operation["responses"])
    assert "402" not in operation["responses"]
    assert operation["description"] == "201 made; 200 the same thing again."
    assert "requestBody" in operation
