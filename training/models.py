import secrets
import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erpteam.dates import DateTimeField

# What trainers upload as materials: documents, slides, sheets, PDFs, images, videos and archives.
# The download is always an attachment with a content type from this table, never rendered as a page.
MATERIAL_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain; charset=utf-8",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "mp4": "video/mp4",
    "zip": "application/zip",
}
MATERIAL_MAX_BYTES = 50 * 1024 * 1024


def material_size_validator(file) -> None:
    if file.size > MATERIAL_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB; share a link to it instead.") % {"mb": MATERIAL_MAX_BYTES // 2**20}
        )


def material_upload_to(session: "TrainingSession", filename: str) -> str:
    # A random folder per upload: names never collide and cannot be guessed from the session.
    return f"training/materials/{uuid.uuid4().hex}/{PurePath(filename).name}"


class TrainingSession(models.Model):
    """One training session of a module: train-the-trainer (consultant → Key Users), end-user (Key User →
    end users) or refresher. Completion counts only sessions that were held."""

    class Kind(models.TextChoices):
        TRAIN_THE_TRAINER = "train_the_trainer", _("Train-the-trainer")
        END_USER = "end_user", _("End-user training")
        REFRESHER = "refresher", _("Refresher")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    module = models.ForeignKey(
        "modules.BusinessModule", on_delete=models.CASCADE, related_name="training_sessions", verbose_name=_("module")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.END_USER)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("agenda"), blank=True)
    trainer = models.ForeignKey(
        "people.Membership",
        on_delete=models.SET_NULL,
        null=True,
        related_name="sessions_trained",
        verbose_name=_("trainer"),
    )
    start_at = DateTimeField(_("starts"))
    end_at = DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=20)
    materials_link = models.URLField(_("materials link"), max_length=500, blank=True)
    materials_file = models.FileField(
        _("materials file"),
        upload_to=material_upload_to,
        max_length=300,
        blank=True,
        validators=[FileExtensionValidator(allowed_extensions=list(MATERIAL_CONTENT_TYPES)), material_size_validator],
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    has_assessment = models.BooleanField(
        _("has an assessment"), default=False, help_text=_("Attendees must pass it to count as trained.")
    )
    # Raised whenever the time or place changes, so calendar apps replace the event they hold.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Title, agenda and place, for search (see erpteam.fulltext).
    search_vector = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_vector"])
    # Its attendances with whether each is trained or certified already, as `session_detail` reads them.
    attendance_list: list["Attendance"]

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["start_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_at__gt=models.F("start_at")),
                name="training_trainingsession_ends_after_start",
                violation_error_message=_("The session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1),
                name="training_trainingsession_capacity_min",
                violation_error_message=_("A session has room for at least one person."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["train_the_trainer", "end_user", "refresher"]),
                name="training_trainingsession_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["planned", "held", "cancelled"]),
                name="training_trainingsession_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "start_at"], name="training_session_status_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_train_the_trainer(self) -> bool:
        return self.kind == self.Kind.TRAIN_THE_TRAINER

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def materials_name(self) -> str:
        return PurePath(self.materials_file.name).name if self.materials_file else ""


class Attendance(models.Model):
    """A person invited to a session and, once it took place, whether they came and passed."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    membership = models.ForeignKey(
        "people.Membership", on_delete=models.CASCADE, related_name="training_attendances", verbose_name=_("person")
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices, default=Status.INVITED)
    assessment_passed = models.BooleanField(_("assessment passed"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["membership__user__last_name", "membership__user__first_name", "membership__user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "membership"], name="training_attendance_unique_session_membership"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["invited", "present", "late", "excused", "absent"]),
                name="training_attendance_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["membership", "status"], name="training_attendance_person")]

    def __str__(self) -> str:
        return f"{self.membership.user.display_name} · {self.session.title}"


def calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in a person's calendar feed URL: calendar apps cannot log in, so the link itself is the
    key. Resetting it makes the old link stop working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_token", verbose_name=_("person")
    )
    token = models.CharField(_("token"), max_length=64, default=calendar_token)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed link")
        verbose_name_plural = _("calendar feed links")
        constraints = [models.UniqueConstraint(fields=["token"], name="training_calendarfeedtoken_unique_token")]

    def __str__(self) -> str:
        return str(self.user)
