import datetime

from celery import shared_task
from django.utils import timezone

from people.models import RosterImport
from team.roster.apply import roster_import_apply


# The registered names are those of the tasks before they moved here from people (queued tasks still run).
@shared_task(name="people.tasks.roster_import_run")
def roster_import_run(import_id: int) -> str:
    """Apply a confirmed roster import. A second run finds it no longer queued and does nothing."""
    return roster_import_apply(import_id=import_id).status


@shared_task(name="people.tasks.roster_imports_sweep")
def roster_imports_sweep() -> int:
    """Start imports still queued a while after their confirmation (the broker was down then)."""
    stale = timezone.now() - datetime.timedelta(minutes=5)
    ids = list(
        RosterImport.objects.filter(status=RosterImport.Status.QUEUED, created_at__lt=stale).values_list(
            "pk", flat=True
        )
    )
    for import_id in ids:
        roster_import_run.delay(import_id)
    return len(ids)
