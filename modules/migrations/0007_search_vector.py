import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.db import migrations

from erpteam.fulltext import AddIndexOnPostgreSQL, vector_trigger, weighted


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
        AddIndexOnPostgreSQL(
            model_name="businessmodule",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="modules_module_search_idx"),
        ),
        AddIndexOnPostgreSQL(
            model_name="businessmodule",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("code"), name="gin_trgm_ops"
                ),
                name="modules_module_code_trgm",
            ),
        ),
        AddIndexOnPostgreSQL(
            model_name="businessmodule",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("name"), name="gin_trgm_ops"
                ),
                name="modules_module_name_trgm",
            ),
        ),
        vector_trigger(
            table="modules_businessmodule",
            document=[weighted("NEW.code", "A"), weighted("NEW.name", "A"), weighted("NEW.description", "B")],
            columns=["code", "name", "description"],
        ),
    ]
