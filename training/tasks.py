from celery import shared_task

from training import selectors, services
from training.models import TrainingSession


@shared_task
def training_reminders_send() -> int:
    """Runs on beat: queue a reminder for each planned session starting within 24 hours. Each
    reminder is sent once per person, so overlapping runs send nothing twice."""
    ids = list(selectors.sessions_due_for_reminder().values_list("pk", flat=True))
    for session_id in ids:
        training_session_remind.delay(session_id)
    return len(ids)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def training_session_remind(session_id: int) -> int:
    session = TrainingSession.objects.filter(pk=session_id).first()
    if session is None:
        return 0
    return services.session_reminder_send(session=session)
