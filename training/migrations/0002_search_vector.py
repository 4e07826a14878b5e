import django.contrib.postgres.search
from django.conf import settings
from django.db import migrations

from erpteam.fulltext import search_indexes, vector_trigger, weighted


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
        search_indexes(table="training_trainingsession", prefix="training_session", substring_columns=("title",)),
        vector_trigger(
            table="training_trainingsession",
            document=[weighted("NEW.title", "A"), weighted("NEW.description", "B"), weighted("NEW.place", "C")],
            columns=["title", "description", "place"],
        ),
    ]
