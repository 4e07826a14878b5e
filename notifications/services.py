"""Notifications: one row per person and event, shown in the app and emailed through Celery."""

import datetime
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from notifications.models import Notification, NotificationPreference

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """What one person is told. `subject` and `body` may be lazy translations: each person gets them in
    their own language. `attachment` is (filename, text content, mimetype), e.g. an .ics invitation."""

    subject: Any
    body: Any = ""
    url: str = ""
    project: Any = None
    attachment: tuple[str, str, str] | None = None


def notify(
    *,
    recipients: Iterable,
    kind: str,
    event_key: str,
    subject,
    body="",
    url: str = "",
    project=None,
    attachment: tuple[str, str, str] | None = None,
) -> list[Notification]:
    """Tell each recipient the same message (see `notify_each`)."""
    message = Message(subject=subject, body=body, url=url, project=project, attachment=attachment)
    return notify_each(kind=kind, event_key=event_key, messages={user: message for user in recipients})


def notify_each(*, kind: str, event_key: str, messages: Mapping) -> list[Notification]:
    """Record `kind` for each person (a user mapped to their `Message`) once per `event_key` and email it
    after commit. Running it twice for the same event creates nothing new, so callers (and retried
    tasks) may repeat it safely. The same few queries however many people are told."""
    people = {user.pk: (user, message) for user, message in messages.items() if user is not None and user.is_active}
    if not people:
        return []
    existing = set(
        Notification.objects.filter(recipient_id__in=people, event_key=event_key).values_list("recipient_id", flat=True)
    )
    no_email = set(
        NotificationPreference.objects.filter(user_id__in=people, kind=kind, email=False).values_list(
            "user_id", flat=True
        )
    )
    created = []
    for user, message in people.values():
        if user.pk in existing:
            continue
        # Someone who never chose a language reads the one in use (the team usually shares it).
        with translation.override(user.language or translation.get_language() or settings.LANGUAGE_CODE):
            notification = Notification(
                recipient=user,
                project=message.project,
                kind=kind,
                event_key=event_key[:200],
                subject=str(message.subject)[:255],
                body=str(message.body),
                url=message.url,
                email_status=(
                    Notification.EmailStatus.SKIPPED
                    if user.pk in no_email or not user.email
                    else Notification.EmailStatus.PENDING
                ),
            )
        if message.attachment:
            notification.attachment_name, notification.attachment_content, notification.attachment_mimetype = (
                message.attachment
            )
        created.append(notification)
    Notification.objects.bulk_create(created, ignore_conflicts=True)
    # Read back: bulk_create with ignore_conflicts leaves primary keys unset.
    saved = list(
        Notification.objects.filter(recipient_id__in=[n.recipient_id for n in created], event_key=event_key[:200])
    )
    pending = [n.pk for n in saved if n.email_status == Notification.EmailStatus.PENDING]
    if pending:
        transaction.on_commit(lambda: emails_enqueue(notification_ids=pending))
    return saved


def emails_enqueue(*, notification_ids: list[int]) -> None:
    """Hand the emails to the broker. If it is down, they stay pending and the sweep sends them later:
    the web request never fails because of the broker."""
    from notifications.tasks import notification_email_send

    for notification_id in notification_ids:
        try:
            notification_email_send.delay(notification_id)
        except Exception:  # the broker's client raises several kinds when it is unreachable
            logger.warning("Broker unreachable; notification %s stays in the outbox", notification_id)
            return


def notification_emails_skip(*, since: datetime.datetime) -> int:
    """Keep the emails of the notifications recorded since `since` (in this transaction, typically)
    from being sent: they stay in the app only. A worker that picks one up finds nothing to send."""
    return Notification.objects.filter(email_status=Notification.EmailStatus.PENDING, created_at__gte=since).update(
        email_status=Notification.EmailStatus.SKIPPED
    )


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def preferences_set(*, user, email_kinds: Iterable[str]) -> None:
    """Email exactly these kinds to the user; the others only show in the app."""
    wanted = set(email_kinds)
    with transaction.atomic():
        for kind in Notification.Kind.values:
            NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"email": kind in wanted})
