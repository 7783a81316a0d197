"""A plain Django path for the hottest public reads, in front of their DRF view.

DRF's request wrapping, content negotiation, authentication and response rendering cost about
a quarter of a product read's CPU (docs/benchmarks.md). For the one case that dominates the
traffic, an anonymous GET asking for JSON, `fast_json_read` answers with a plain function
instead; every other request (a token to check, the browsable API, `?format=`, another method,
and anything the function declines by returning None, such as a 404 or a bad parameter) goes
to the DRF view, so behaviour, errors and the OpenAPI document stay the DRF view's. The fast
answer carries the same body, Content-Type, `Allow` and `Vary` headers as DRF's.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from rest_framework.renderers import JSONRenderer

_render = JSONRenderer().render


# Accept headers that DRF's content negotiation answers with plain JSON. Anything else (a
# browser's text/html, `application/json; indent=4`, a type DRF refuses with 406) is DRF's.
_PLAIN_JSON_ACCEPTS = frozenset({"", "*/*", "application/json"})


def _is_anonymous_json_get(request: HttpRequest) -> bool:
    return (request.method == "GET"
            and "HTTP_AUTHORIZATION" not in request.META
            and "format" not in request.GET
            and request.META.get("HTTP_ACCEPT", "").strip() in _PLAIN_JSON_ACCEPTS)


def _allowed_methods(view_class) -> list[str]:
    """What DRF puts in `Allow`: the handlers, HEAD too when there is a GET (Django's
    View.setup() adds it on each request)."""
    return [method.upper() for method in view_class.http_method_names
            if hasattr(view_class, method) or (method == "head" and hasattr(view_class, "get"))]


def fast_json_read(api_view: Callable, read: Callable[..., Any | None]) -> Callable:
    """`api_view` (an APIView's `as_view()`) with `read(request, **kwargs)` answering anonymous
    JSON GETs: it returns the data to send with a 200, or None to leave it to `api_view`."""
    allow = ", ".join(_allowed_methods(api_view.cls))

    @wraps(api_view)
    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if _is_anonymous_json_get(request):
            data = read(request, *args, **kwargs)
            if data is not None:
                response = HttpResponse(_render(data), content_type="application/json")
                response["Allow"] = allow
                response["Vary"] = "Accept"
                return response
        return api_view(request, *args, **kwargs)

    return view
