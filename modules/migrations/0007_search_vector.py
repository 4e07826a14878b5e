import django.contrib.postgres.search
from django.db import migrations

from erpteam.fulltext import search_indexes, vector_trigger, weighted


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_search_vector"),
        ("modules", "0006_module_history"),
        ("projects", "0004_project_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="businessmodule",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        search_indexes(table="modules_businessmodule", prefix="modules_module", substring_columns=("code", "name")),
        vector_trigger(
            table="modules_businessmodule",
            document=[weighted("NEW.code", "A"), weighted("NEW.name", "A"), weighted("NEW.description", "B")],
            columns=["code", "name", "description"],
        ),
    ]
