"""Indexed search on PostgreSQL.

Each searchable model keeps a stored text vector (`search_vector`) with a GIN index, and GIN trigram
indexes (`pg_trgm`) on the upper-cased fields searched by substring (Chinese words and codes such as
AP-010, which full-text search does not split into words; Django's `icontains` reads those indexes).
A database trigger keeps the vector current, so every write path keeps it: services, the admin and
bulk loads alike. Other databases leave the column empty and search by substring only.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db.migrations.operations import AddIndex, RunPython
from django.db.models import Index
from django.db.models.functions import Upper

FULL_TEXT_CONFIG = "english"


def search_indexes(prefix: str, *, substring_fields: tuple[str, ...] = ()) -> list[Index]:
    """The GIN index of the model's `search_vector` and a trigram index per substring field."""
    return [
        GinIndex(fields=["search_vector"], name=f"{prefix}_search_idx"),
        *(
            GinIndex(OpClass(Upper(name), name="gin_trgm_ops"), name=f"{prefix}_{name}_trgm")
            for name in substring_fields
        ),
    ]


class AddIndexOnPostgreSQL(AddIndex):
    """An index only PostgreSQL builds (GIN); elsewhere the model state has it and the database does not."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def run_on_postgresql(forwards: str, backwards: str) -> RunPython:
    def operation(sql):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql, params=None)

        return run

    return RunPython(operation(forwards), operation(backwards))


def weighted(expression: str, weight: str) -> str:
    """SQL for the words of `expression` (NULL counts as no words) with a rank weight, A to D."""
    return f"setweight(to_tsvector('{FULL_TEXT_CONFIG}', coalesce({expression}, '')), '{weight}')"


def vector_trigger(*, table: str, document: list[str], columns: list[str]) -> RunPython:
    """The trigger that sets `table.search_vector` to `document` (weighted parts over NEW) on insert and
    on an update that writes one of `columns` or the vector itself (setting it to NULL recomputes it).
    Existing rows get their vector as it is installed."""
    function = f"{table}_search_vector"
    of = ", ".join([*columns, "search_vector"])
    return run_on_postgresql(
        f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := {" || ".join(document)};
    RETURN NEW;
END $$;
CREATE TRIGGER {function} BEFORE INSERT OR UPDATE OF {of} ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
UPDATE {table} SET search_vector = NULL;
""",
        f"DROP TRIGGER IF EXISTS {function} ON {table}; DROP FUNCTION IF EXISTS {function}();",
    )
