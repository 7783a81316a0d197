"""Database helpers shared by the services."""

from common.db.compiled import CompiledRead

__all__ = ["CompiledRead"]
