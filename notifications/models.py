from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Something that happened to a person's things. It is shown in the app and, unless the person
    turned that kind off, sent by email. The row is also the outbox: an email still `pending` when the
    broker was down is sent by the periodic sweep."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned to me")
        ESCALATED = "escalated", _("Escalated to me")
        DECISION = "decision", _("Decision on my issue")
        RESOLVED = "resolved", _("My issue resolved")
        REQUEST = "request", _("Help request in my module")
        COMMENT = "comment", _("Comment on my issue")
        SLA_BREACH = "sla_breach", _("SLA breached")
        INVITED = "invited", _("Invited to a session")
        REMINDER = "reminder", _("Session reminder")
        DELIVERABLE_DUE = "deliverable_due", _("Deliverable due")

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not emailed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    event_key = models.CharField(_("event"), max_length=200)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_content = models.TextField(blank=True)
    attachment_mimetype = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_status = models.CharField(_("email"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event_key"], name="notifications_notification_unique_event"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notifications_unread_idx"),
            models.Index(fields=["email_status", "created_at"], name="notifications_outbox_idx"),
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationPreference(models.Model):
    """A kind of notification a person does not want by email (in the app they always see it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Notification.Kind.choices)
    email = models.BooleanField(_("by email"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notifications_preference_unique_user_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"
