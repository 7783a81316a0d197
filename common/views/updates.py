"""`ReplaceOrPatchApi`: a detail view whose PUT replaces and whose PATCH changes part.

Both are one method, `update(request, *args, partial, **kwargs)`: the subclass writes it (its
lookup, its input serializer with `partial`, its service call) and names the request and answer
serializers, `update_input` and `update_output`, which document both operations in the OpenAPI
document the same way. (`IdempotentCreateApi` is the same idea for a create.)
"""

from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from common.openapi import error_responses


class ReplaceOrPatchApi(APIView):
    update_input = None
    update_output = None
    update_errors: tuple[int, ...] = (400, 401, 403, 404)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.update_input is None or cls.update_output is None:
            return  # an abstract intermediate
        schema = extend_schema(request=cls.update_input,
                               responses={200: cls.update_output,
                                          **error_responses(*cls.update_errors)})

        def put(self, request, *args, **kwargs):
            return self.update(request, *args, partial=False, **kwargs)

        def patch(self, request, *args, **kwargs):
            return self.update(request, *args, partial=True, **kwargs)

        cls.put, cls.patch = schema(put), schema(patch)

    def update(self, request, *args, partial: bool, **kwargs):
        raise NotImplementedError
