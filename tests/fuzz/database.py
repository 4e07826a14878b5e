"""The database's content, to prove that a refused submission wrote nothing."""

from django.apps import apps

SKIPPED_TABLES = {"django_session"}  # logging in writes it; nothing a form does


def database_state() -> dict[str, list[tuple]]:
    """Every row of every table, by table."""
    return {
        model._meta.db_table: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table not in SKIPPED_TABLES
    }


def changed_tables(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    return sorted(table for table, rows in after.items() if before.get(table) != rows)
