"""View helpers shared by the services."""

from common.views.fast_read import fast_json_read

__all__ = ["fast_json_read"]
