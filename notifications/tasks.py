from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5)
def notification_email_send(notification_id: int) -> bool:
    """Send one notification's email, once: a second run finds it sent and does nothing."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, email_status=Notification.EmailStatus.PENDING)
            .first()
        )
        if notification is None:
            return False
        message = EmailMessage(
            subject=notification.subject,
            body=notification.body + (f"\n\n{settings.SITE_URL}{notification.url}" if notification.url else ""),
            to=[notification.recipient.email],
        )
        if notification.attachment_name:
            message.attach(
                notification.attachment_name, notification.attachment_content, notification.attachment_mimetype
            )
        message.send()
        notification.email_status = Notification.EmailStatus.SENT
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["email_status", "emailed_at"])
    return True


@shared_task
def notifications_outbox_sweep() -> int:
    """Send what is still pending (the broker was down when it was recorded). Runs on beat."""
    ids = list(
        Notification.objects.filter(email_status=Notification.EmailStatus.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    for notification_id in ids:
        notification_email_send.delay(notification_id)
    return len(ids)
