"""Serve every path with and without its trailing slash, for every method, with no redirect.

This is the catch-all view: it only runs for a path that matched no route, so a path written
as its route is written costs nothing extra. The path with its trailing slash toggled is
resolved once; if that names a real route, its view answers (and the request's
`resolver_match` is that route's, for the metrics), else the 404 envelope does.
"""

from django.urls import Resolver404, get_resolver
from django.views.decorators.csrf import csrf_exempt

from common.errors.handlers import not_found
from common.routing.names import CATCH_ALL_NAME


def _other_form(path: str) -> str:
    return path[:-1] if path.endswith("/") else path + "/"


@csrf_exempt
def other_slash_or_not_found(request, *args, **kwargs):
    path = request.path_info
    if len(path) > 1:
        try:
            match = get_resolver(getattr(request, "urlconf", None)).resolve(_other_form(path))
        except Resolver404:
            match = None
        if match is not None and match.url_name != CATCH_ALL_NAME:
            request.path_info = _other_form(path)
            request.resolver_match = match
            return match.func(request, *match.args, **match.kwargs)
    return not_found(request)
