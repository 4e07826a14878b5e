"""Indexed search on PostgreSQL.

Each searchable model keeps a stored text vector (`search_vector`) with a GIN index, and GIN trigram
indexes (`pg_trgm`) on the upper-cased fields searched by substring (Chinese words and codes such as
AP-010, which full-text search does not split into words; Django's `icontains` reads those indexes).
A database trigger keeps the vector current, so every write path keeps it: services, the admin and
bulk loads alike. Other databases leave the column empty and search by substring only.

The indexes and triggers are made by migrations on PostgreSQL only, outside the models' state: SQLite
rebuilds a table with every index of the model's state, and could not build these.
"""

from django.db.migrations.operations import RunPython

FULL_TEXT_CONFIG = "english"


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


def search_indexes(*, table: str, prefix: str, substring_columns: tuple[str, ...] = ()) -> RunPython:
    """The GIN index of `table.search_vector` and a trigram index per column searched by substring, on
    the expression Django's `icontains` compares (`UPPER(column::text) LIKE …`)."""
    names = [f"{prefix}_search_idx", *(f"{prefix}_{column}_trgm" for column in substring_columns)]
    return run_on_postgresql(
        "\n".join(
            [
                f"CREATE INDEX {names[0]} ON {table} USING gin (search_vector);",
                *(
                    f"CREATE INDEX {name} ON {table} USING gin (upper({column}::text) gin_trgm_ops);"
                    for name, column in zip(names[1:], substring_columns, strict=True)
                ),
            ]
        ),
        " ".join(f"DROP INDEX IF EXISTS {name};" for name in names),
    )
