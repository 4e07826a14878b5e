from celery import shared_task

from issues import services


@shared_task
def issues_sla_breaches_check() -> int:
    """Record and announce new SLA breaches (runs on beat; running it twice sends nothing twice)."""
    return services.sla_breaches_record()
