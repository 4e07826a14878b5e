from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erpteam.permissions import Role


class User(AbstractUser):
    """An account. Roles are not kept here: they belong to the membership in each project."""

    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES, help_text=_("Empty: follow the browser.")
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, help_text=_("Empty: the site's time zone."))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    """A person's place in one project: the role decides what they may do there."""

    Role = Role  # the roles of the policy table (erpteam.permissions)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("project")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.CharField(_("department"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The person's names, username, email and department, for search (see erpteam.fulltext).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__last_name", "user__first_name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="people_membership_unique_user_project"),
            models.CheckConstraint(
                condition=models.Q(
                    role__in=["app_consultant", "tech_consultant", "key_user", "it_user", "end_user", "manager"]
                ),
                name="people_membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.display_name} ({self.get_role_display()})"

    @property
    def is_key_user(self) -> bool:
        return self.role == self.Role.KEY_USER

    @property
    def is_consultant(self) -> bool:
        return self.role in (self.Role.APP_CONSULTANT, self.Role.TECH_CONSULTANT)


class RosterImport(models.Model):
    """An uploaded roster file between its preview and its confirmation, then its outcome.

    The rows are kept as read, so the confirmation applies exactly what the preview showed, checked
    again against the team as it is at that moment.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        QUEUED = "queued", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Refused")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="roster_imports", verbose_name=_("project")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    filename = models.CharField(_("file"), max_length=255)
    rows = models.JSONField(_("rows"), default=list)
    changes = models.JSONField(_("changes"), default=list)
    problems = models.JSONField(_("problems"), default=list)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    create_count = models.PositiveIntegerField(_("people to add"), default=0)
    change_count = models.PositiveIntegerField(_("people to change"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["previewed", "queued", "done", "failed"]),
                name="people_rosterimport_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.filename
