"""Database helpers shared by the services."""

from common.db.compiled import CompiledRead, CompiledRelated
from common.db.filters import filter_given
from common.db.inserts import insert_rows
from common.db.once import created_once
from common.db.provision import database_create, database_drop, postgres_reachable
from common.db.subtract import subtract_by_key

__all__ = [
    "CompiledRead",
    "CompiledRelated",
    "created_once",
    "database_create",
    "database_drop",
    "filter_given",
    "insert_rows",
    "postgres_reachable",
    "subtract_by_key",
]
