"""URL plumbing: slash-agnostic paths and the shared URL patterns every service mounts."""

from common.routing.names import CATCH_ALL_NAME
from common.routing.urls import ERROR_HANDLERS, common_urlpatterns

__all__ = ["CATCH_ALL_NAME", "ERROR_HANDLERS", "common_urlpatterns"]
