import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def recorded_when_logged(apps, schema_editor):
    """The issues already here were recorded when they were logged, as far as anyone can tell."""
    apps.get_model("issues", "Issue").objects.update(recorded_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0006_search_vector"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalissue",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="recorded"),
        ),
        migrations.AddField(
            model_name="issue",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="recorded"),
        ),
        migrations.AddIndex(
            model_name="slabreach",
            index=models.Index(fields=["detected_at"], name="issues_slabreach_detected_idx"),
        ),
        migrations.RunPython(recorded_when_logged, migrations.RunPython.noop),
    ]
