import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from erpteam.fulltext import run_on_postgresql, search_indexes, vector_trigger, weighted


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_roster_import"),
        ("projects", "0004_project_history"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="membership",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        search_indexes(table="people_membership", prefix="people_membership"),
        vector_trigger(
            table="people_membership",
            document=[
                weighted(
                    "(SELECT concat_ws(' ', first_name, last_name, username, email) FROM people_user"
                    " WHERE id = NEW.user_id)",
                    "A",
                ),
                weighted("NEW.department", "B"),
            ],
            columns=["user_id", "department"],
        ),
        # A person's new name or email reaches the vectors of their memberships.
        run_on_postgresql(
            """
CREATE OR REPLACE FUNCTION people_user_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE people_membership SET search_vector = NULL WHERE user_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER people_user_search_vector AFTER UPDATE OF first_name, last_name, username, email ON people_user
    FOR EACH ROW EXECUTE FUNCTION people_user_search_vector();
""",
            "DROP TRIGGER IF EXISTS people_user_search_vector ON people_user;"
            " DROP FUNCTION IF EXISTS people_user_search_vector();",
        ),
    ]
