"""`insert_rows`: INSERTs the ORM compiles once per shape, then only runs.

`Model.objects.create()` and `bulk_create()` rebuild the INSERT's SQL on every call: on the hot
writes (an order, its lines, its history row, its outbox event) that compiling cost more CPU
than the round trip to the database (docs/benchmarks.md, "Issue 15: the floor, and where the
targets end"). `insert_rows` asks the ORM for the statement once per model, number of rows and
database vendor, checks that every value is a plain `%s` parameter, and afterwards only
computes the values the way the ORM does (`pre_save` — `auto_now`, defaults already set by
the constructor — then `get_db_prep_save`) and executes the statement.

What it leaves out of `save()`: the `pre_save`/`post_save` signals (the platform connects none)
and model validation (which `save()` does not run either). Primary keys the database makes are
read back with `RETURNING` and set on the instances, as `bulk_create` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.models.sql import InsertQuery

M = TypeVar("M", bound=Model)

_compiled: dict[tuple, tuple[str, list, bool, bool]] = {}


def _fields_of(model: type[Model]) -> tuple[list, bool]:
    """The columns an INSERT writes, and whether the database makes the primary key."""
    meta = model._meta
    generated_pk = meta.pk.db_returning
    fields = [field for field in meta.concrete_fields
              if not (generated_pk and field is meta.pk) and not field.generated]
    return fields, generated_pk


def _compile(model: type[Model], objs: Sequence[Model],
             connection) -> tuple[str, list, bool, bool]:
    """The statement for len(objs) rows, its fields, whether it returns the generated keys,
    and whether it takes its values column by column (PostgreSQL's `UNNEST` form of a
    several-row INSERT: one array per column) instead of row by row."""
    key = (model, len(objs), connection.vendor)
    compiled = _compiled.get(key)
    if compiled is None:
        fields, generated_pk = _fields_of(model)
        query = InsertQuery(model)
        query.insert_values(fields, objs)
        compiler = query.get_compiler(connection=connection)
        if generated_pk:
            compiler.returning_fields = [model._meta.pk]
        statements = compiler.as_sql()
        if len(statements) != 1:
            raise ValueError(f"{model.__name__}: {len(objs)} rows do not fit one INSERT here.")
        sql, params = statements[0]
        by_column = "UNNEST(" in sql and len(params) == len(fields)
        expected = len(fields) * (1 if by_column else len(objs))
        if len(params) != expected or sql.count("%s") != expected:
            raise ValueError(f"{model.__name__}: a column's value is not a plain parameter.")
        compiled = _compiled[key] = (sql, fields, generated_pk, by_column)
    return compiled


def insert_rows(objs: Sequence[M], *, using: str = DEFAULT_DB_ALIAS) -> Sequence[M]:
    """INSERT the unsaved instances `objs` (one model) in one statement; returns them saved."""
    if not objs:
        return objs
    model = type(objs[0])
    connection = connections[using]
    sql, fields, generated_pk, by_column = _compile(model, objs, connection)
    rows = [[field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
            for obj in objs]
    params = ([list(column) for column in zip(*rows, strict=True)] if by_column
              else [value for row in rows for value in row])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if generated_pk:
            returned = connection.ops.fetch_returned_insert_rows(cursor)
            for obj, row in zip(objs, returned, strict=True):
                obj.pk = row[0]
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
    return objs
