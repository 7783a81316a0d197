"""View helpers shared by the services."""

from common.views.fast_read import fast_json_read
from common.views.updates import ReplaceOrPatchApi

__all__ = ["ReplaceOrPatchApi", "fast_json_read"]
