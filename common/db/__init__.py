"""Database helpers shared by the services."""

from common.db.compiled import CompiledRead
from common.db.once import created_once
from common.db.subtract import subtract_by_key

__all__ = ["CompiledRead", "created_once", "subtract_by_key"]
