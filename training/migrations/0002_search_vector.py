import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations

from erpteam.fulltext import AddIndexOnPostgreSQL, vector_trigger, weighted


class Migration(migrations.Migration):
    dependencies = [
        ("modules", "0007_search_vector"),
        ("people", "0004_search_vector"),
        ("training", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="trainingsession",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        AddIndexOnPostgreSQL(
            model_name="trainingsession",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="training_session_search_idx"
            ),
        ),
        AddIndexOnPostgreSQL(
            model_name="trainingsession",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("title"), name="gin_trgm_ops"
                ),
                name="training_session_title_trgm",
            ),
        ),
        vector_trigger(
            table="training_trainingsession",
            document=[weighted("NEW.title", "A"), weighted("NEW.description", "B"), weighted("NEW.place", "C")],
            columns=["title", "description", "place"],
        ),
    ]
