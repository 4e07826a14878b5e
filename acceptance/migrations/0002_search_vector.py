import django.contrib.postgres.search
from django.db import migrations

from erpteam.fulltext import search_indexes, vector_trigger, weighted


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
        search_indexes(
            table="acceptance_testscenario", prefix="acceptance_ts", substring_columns=("reference", "title")
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
