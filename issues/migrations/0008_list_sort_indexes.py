from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0007_recorded_at"),
        ("modules", "0007_search_vector"),
        ("people", "0004_search_vector"),
        ("projects", "0004_project_history"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="issue",
            name="issues_project_status_idx",
        ),
        migrations.AddIndex(
            model_name="issue",
            index=models.Index(fields=["project", "severity", "number"], name="issues_sort_severity_idx"),
        ),
        migrations.AddIndex(
            model_name="issue",
            index=models.Index(fields=["project", "status", "number"], name="issues_sort_status_idx"),
        ),
        migrations.AddIndex(
            model_name="issue",
            index=models.Index(fields=["project", "resolve_due", "number"], name="issues_sort_resolve_due_idx"),
        ),
        migrations.AddIndex(
            model_name="issue",
            index=models.Index(fields=["project", "updated_at", "number"], name="issues_sort_updated_idx"),
        ),
    ]
