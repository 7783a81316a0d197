"""Serve every path with and without its trailing slash, for every method, with no redirect."""

from django.urls import Resolver404, get_resolver

from common.routing.names import CATCH_ALL_NAME


def _matches(resolver, path: str) -> bool:
    try:
        match = resolver.resolve(path)
    except Resolver404:
        return False
    return match.url_name != CATCH_ALL_NAME


class SlashAgnosticMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        resolver = get_resolver(getattr(request, "urlconf", None))
        if len(path) > 1 and not _matches(resolver, path):
            other = path[:-1] if path.endswith("/") else path + "/"
            if _matches(resolver, other):
                request.path_info = other
        return self.get_response(request)
