"""Read queries that Django builds and compiles once per process, then runs with each call's values.

On the pages that run the same aggregate queries on every request (the readiness dashboard), Django
takes longer to build and compile their SQL than the database takes to run it. A `PreparedQuery` is
still a queryset written with the ORM, by a function that is given `Param`s for the values that change
between calls (the project, the cycle, the time): it is compiled on first use, and each call fills the
values into the compiled SQL and reads the rows as the queryset would (its columns' converters). The
same function given plain values is the ordinary queryset: that is how the tests check the two agree."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Expression, Field, Model, QuerySet
from django.db.models.query import RawQuerySet
from django.db.models.sql.compiler import SQLCompiler


class Param(Expression):
    """A value left open in a prepared query: its SQL has a placeholder there, filled in at each call."""

    def __init__(self, name: str, output_field: Field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def __repr__(self):
        return f"Param({self.name!r})"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple  # as compiled: a `Param` where a call's value goes
    compiler: SQLCompiler  # what converts the rows (only read after compiling: shared by every call)


class PreparedQuery:
    """`build(**params)` returns a queryset written with the `Param`s it is given: one for each of
    `fields` (name → the model field its value is for), or a list of them where a call gives a list
    (for `__in`; on a relation, filter on its `id`: `module__id__in`). Compiled once per database and
    per length of the list values (an IN list has a placeholder per value). `rows(name=value, …)` runs
    a `values_list()` queryset and returns its rows as tuples; `objects(…)` runs one of model instances
    (with their annotations; not `select_related()`, whose columns a raw query cannot tell apart)."""

    def __init__(self, build: Callable[..., QuerySet], **fields: Field):
        self._build = build
        self._fields = fields
        self._compiled: dict[tuple, _Compiled | None] = {}

    def _compile(self, using: str, lengths: dict[str, int]) -> _Compiled | None:
        params = {
            name: [Param(f"{name}.{i}", field) for i in range(lengths[name])] if name in lengths else Param(name, field)
            for name, field in self._fields.items()
        }
        compiler = self._build(**params).query.get_compiler(using=using)
        try:
            sql, compiled = compiler.as_sql()
        except EmptyResultSet:  # an empty IN list: no rows, whatever the other values
            return None
        return _Compiled(sql, tuple(compiled), compiler)

    def _filled(self, using: str, values: dict) -> tuple[_Compiled | None, list]:
        """The compiled query for these values, and its parameters with them."""
        if values.keys() != self._fields.keys():
            raise TypeError(f"a prepared query takes {sorted(self._fields)}, not {sorted(values)}")
        lengths = {name: len(value) for name, value in values.items() if isinstance(value, list | tuple)}
        key = (using, *sorted(lengths.items()))
        if key not in self._compiled:
            self._compiled[key] = self._compile(using, lengths)
        compiled = self._compiled[key]
        if compiled is None:
            return None, []
        flat = {}
        for name, value in values.items():
            if name in lengths:
                flat.update((f"{name}.{i}", item) for i, item in enumerate(value))
            else:
                flat[name] = value
        connection = connections[using]
        params = [
            p.output_field.get_db_prep_value(flat[p.name], connection) if isinstance(p, Param) else p
            for p in compiled.params
        ]
        return compiled, params

    def rows(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> list[tuple]:
        compiled, params = self._filled(using, values)
        if compiled is None:
            return []
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return list(compiled.compiler.results_iter(results=[rows], tuple_expected=True))

    def objects(self, *, using: str = DEFAULT_DB_ALIAS, **values) -> list[Model]:
        compiled, params = self._filled(using, values)
        if compiled is None:
            return []
        if compiled.compiler.query.select_related:
            raise TypeError("a prepared query's objects() cannot follow select_related()")
        return list(RawQuerySet(compiled.sql, model=compiled.compiler.query.model, params=params, using=using))
