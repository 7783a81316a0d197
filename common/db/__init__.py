"""Database helpers shared by the services."""

from common.db.compiled import CompiledRead
from common.db.subtract import subtract_by_key

__all__ = ["CompiledRead", "subtract_by_key"]
