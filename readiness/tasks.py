from celery import shared_task

from projects.models import Project
from readiness import services


@shared_task
def readiness_snapshots_take() -> int:
    """Runs on beat (hourly): queue today's readiness snapshot of every project not closed. A snapshot
    is one row per project, module and day: running again the same day refreshes the day's figures
    and adds no row."""
    ids = list(Project.objects.exclude(phase=Project.Phase.CLOSED).values_list("pk", flat=True))
    for project_id in ids:
        readiness_snapshot_refresh.delay(project_id)
    return len(ids)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def readiness_snapshot_refresh(project_id: int) -> int:
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return 0
    return services.readiness_snapshot_take(project=project)
