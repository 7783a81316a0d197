"""Reads the ORM compiles to SQL once, then runs again with fresh parameters.

The ORM rebuilds a query's SQL on every run. On the hottest reads that costs more CPU than
the database round trip itself (about 0.3 ms of a 0.4 ms product lookup, docs/benchmarks.md).
A `CompiledRead` asks the ORM for the SQL, the column names and the column converters once
per database connection alias, and afterwards only executes that SQL. The rows come back as
dicts keyed by field attname (annotations by their alias), converted exactly as the ORM would
convert them, so the same code serves PostgreSQL and SQLite (or, with `instances()`, as model
instances).
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model, QuerySet


class CompiledRead:
    """`build()` returns the read with a sample value in place of each parameter; `params`
    are the fields those values are compared with, in the order they appear in the SQL.
    With `paged`, `LIMIT %s OFFSET %s` is appended and `rows()` takes `limit` and `offset`.
    """

    def __init__(self, build: Callable[[], QuerySet], *, params: Sequence[Field] = (),
                 paged: bool = False, using: str = DEFAULT_DB_ALIAS):
        self._build = build
        self._params = tuple(params)
        self._paged = paged
        self._using = using
        self._model: type[Model] | None = None  # known once compiled
        self._compiled: dict[str, tuple[str, list[str], dict]] = {}

    def _compile(self, connection) -> tuple[str, list[str], dict]:
        compiled = self._compiled.get(connection.vendor)
        if compiled is None:
            queryset = self._build()
            self._model = queryset.model
            if queryset.query.is_sliced:
                raise ValueError("Give the page with paged=True, not by slicing the queryset.")
            compiler = queryset.query.get_compiler(connection=connection)
            sql, sample = compiler.as_sql()
            if len(sample) != len(self._params):
                raise ValueError(f"The read has {len(sample)} parameters, "
                                 f"{len(self._params)} fields were named.")
            columns = [expression for expression, _, _ in compiler.select]
            names = [alias or expression.target.attname
                     for expression, _, alias in compiler.select]
            converters = compiler.get_converters(columns)
            if self._paged:
                sql += " LIMIT %s OFFSET %s"
            compiled = self._compiled[connection.vendor] = (sql, names, converters)
        return compiled

    def rows(self, *values: Any, limit: int | None = None,
             offset: int = 0) -> list[dict[str, Any]]:
        names, rows = self._run(values, limit, offset)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def instances(self, *values: Any, limit: int | None = None,
                  offset: int = 0) -> list[Model]:
        """The rows as model instances, for a read that selects the model's own fields."""
        names, rows = self._run(values, limit, offset)
        model = self._model
        return [model.from_db(self._using, names, row) for row in rows]

    def _run(self, values: tuple, limit: int | None, offset: int) -> tuple[list[str], list]:
        connection = connections[self._using]
        sql, names, converters = self._compile(connection)
        args = [field.get_db_prep_value(value, connection)
                for field, value in zip(self._params, values, strict=True)]
        if self._paged:
            args += [limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            rows = cursor.fetchall()
        if converters:
            rows = [_converted(list(row), converters, connection) for row in rows]
        return names, rows


def _converted(row: list, converters: dict, connection) -> list:
    for position, (functions, expression) in converters.items():
        value = row[position]
        for function in functions:
            value = function(value, expression, connection)
        row[position] = value
    return row


class CompiledRelated:
    """The rows of a reverse foreign key (`model.<name>`) of an instance in hand, loaded as
    `prefetch_related(name)` loads them (the related model's default ordering), through a
    `CompiledRead`: `load(instance)` runs one query and `instance.<name>.all()` answers from
    it afterwards."""

    def __init__(self, model: type[Model], name: str, *, using: str = DEFAULT_DB_ALIAS):
        rel = getattr(model, name).rel
        field = rel.field  # the foreign key on the related model
        sample = field.target_field.to_python(0)
        self._name = name
        self._read = CompiledRead(
            lambda: rel.related_model._default_manager.filter(**{field.name: sample}),
            params=[field], using=using)

    def load(self, instance: Model) -> Model:
        cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
        cache[self._name] = self._read.instances(instance.pk)
        return instance
