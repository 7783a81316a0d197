"""`IdempotentCreateApi`: a POST that creates once per `reference`.

The first call creates and answers 201; the same `reference` again answers 200 with the same
body (`common.responses.created_or_replayed`). A subclass names its `InputSerializer` and
`OutputSerializer`, the error statuses it documents, and `create(**validated_data)`, a call to
its service returning `(instance, created)`. The OpenAPI document gets the request, the 201
and 200 and the errors for every subclass from the same declaration.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from common.idempotency.models import REFERENCE_MAX_LENGTH
from common.openapi import error_responses
from common.responses import created_or_replayed


def reference_field() -> serializers.CharField:
    """The caller's idempotency key, as long as `ReferencedRecord.reference` holds."""
    return serializers.CharField(max_length=REFERENCE_MAX_LENGTH)


class IdempotentCreateApi(APIView):
    InputSerializer = None
    OutputSerializer = None
    error_statuses: tuple[int, ...] = (400, 401, 403)
    create_description: str | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.InputSerializer is None or cls.OutputSerializer is None:
            return  # an abstract intermediate

        def post(self, request, *args, **kwargs):
            return self.create_or_replay(request)

        schema = {"request": cls.InputSerializer,
                  "responses": {201: cls.OutputSerializer, 200: cls.OutputSerializer,
                                **error_responses(*cls.error_statuses)}}
        if cls.create_description:
            schema["description"] = cls.create_description
        cls.post = extend_schema(**schema)(post)

    def create(self, **values) -> tuple[object, bool]:
        raise NotImplementedError

    def output(self, instance) -> dict:
        """The body for `instance` (a subclass may read it again first)."""
        return self.OutputSerializer(instance).data

    def create_or_replay(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        instance, created = self.create(**data.validated_data)
        return created_or_replayed(self.output(instance), created=created)
