from celery import shared_task

from modules import services


@shared_task
def deliverables_due_notify() -> int:
    """Runs on beat: tell owners of deliverables due soon or overdue (once per deliverable and due date)."""
    return services.deliverables_due_notify()
