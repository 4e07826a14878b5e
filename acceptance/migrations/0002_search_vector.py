import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.db import migrations

from erpteam.fulltext import AddIndexOnPostgreSQL, vector_trigger, weighted


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_search_vector"),
        ("acceptance", "0001_initial"),
        ("modules", "0006_module_history"),
        ("people", "0003_roster_import"),
        ("projects", "0004_project_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="testscenario",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        AddIndexOnPostgreSQL(
            model_name="testscenario",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="acceptance_ts_search_idx"),
        ),
        AddIndexOnPostgreSQL(
            model_name="testscenario",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("reference"), name="gin_trgm_ops"
                ),
                name="acceptance_ts_reference_trgm",
            ),
        ),
        AddIndexOnPostgreSQL(
            model_name="testscenario",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("title"), name="gin_trgm_ops"
                ),
                name="acceptance_ts_title_trgm",
            ),
        ),
        vector_trigger(
            table="acceptance_testscenario",
            document=[
                weighted("NEW.reference", "A"),
                weighted("NEW.title", "A"),
                weighted("NEW.business_process", "B"),
                weighted("NEW.description", "C"),
            ],
            columns=["reference", "title", "business_process", "description"],
        ),
    ]
