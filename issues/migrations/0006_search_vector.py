import django.contrib.postgres.search
from django.db import migrations

from erpteam.fulltext import run_on_postgresql, search_indexes, vector_trigger, weighted


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_search_vector"),
        ("issues", "0005_new_issues_index"),
        ("modules", "0006_module_history"),
        ("people", "0003_roster_import"),
        ("projects", "0004_project_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="issue",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        search_indexes(table="issues_issue", prefix="issues_issue", substring_columns=("title", "description")),
        vector_trigger(
            table="issues_issue",
            document=[
                weighted("NEW.title", "A"),
                weighted("NEW.description", "B"),
                weighted("(SELECT string_agg(body, ' ' ORDER BY id) FROM issues_comment WHERE issue_id = NEW.id)", "C"),
            ],
            columns=["title", "description"],
        ),
        # Comments written, edited or deleted change their issues' vectors: once per statement, so a bulk
        # load of comments recomputes each issue once.
        run_on_postgresql(
            """
CREATE OR REPLACE FUNCTION issues_comment_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE issues_issue SET search_vector = NULL WHERE id IN (SELECT issue_id FROM changed);
    RETURN NULL;
END $$;
CREATE TRIGGER issues_comment_search_vector_insert AFTER INSERT ON issues_comment
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION issues_comment_search_vector();
CREATE TRIGGER issues_comment_search_vector_update AFTER UPDATE ON issues_comment
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION issues_comment_search_vector();
CREATE TRIGGER issues_comment_search_vector_delete AFTER DELETE ON issues_comment
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION issues_comment_search_vector();
""",
            "DROP TRIGGER IF EXISTS issues_comment_search_vector_insert ON issues_comment;"
            " DROP TRIGGER IF EXISTS issues_comment_search_vector_update ON issues_comment;"
            " DROP TRIGGER IF EXISTS issues_comment_search_vector_delete ON issues_comment;"
            " DROP FUNCTION IF EXISTS issues_comment_search_vector();",
        ),
    ]
