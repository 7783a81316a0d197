"""URL plumbing: slash-agnostic paths and the shared URL patterns every service mounts."""

from common.routing.names import CATCH_ALL_NAME
from common.routing.urls import common_urlpatterns

__all__ = ["CATCH_ALL_NAME", "common_urlpatterns"]
