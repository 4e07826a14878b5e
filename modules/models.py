from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erpteam.dates import DateField


class BusinessModule(models.Model):
    """A business area of the ERP in a project's scope (finance, warehouse, purchasing…).

    The rule of the product: every module has at least one Key User. Services keep it, and on
    PostgreSQL a deferred constraint trigger rejects any transaction that breaks it.
    """

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="modules", verbose_name=_("project")
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    in_scope = models.BooleanField(_("in scope"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Code, name and description, for search (see erpteam.fulltext).
    search_vector = SearchVectorField(null=True, editable=False)

    # Also how the audit trail still knows the project of a deleted module's Key Users and deliverables.
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        verbose_name = _("business module")
        verbose_name_plural = _("business modules")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="modules_businessmodule_unique_project_code"),
        ]

    def __str__(self) -> str:
        return self.name


class KeyUserAssignmentQuerySet(models.QuerySet):
    def effective(self):
        """Assignments that count for the rule: an active Key User membership of an active account."""
        from people.models import Membership

        return self.filter(
            membership__role=Membership.Role.KEY_USER,
            membership__is_active=True,
            membership__user__is_active=True,
        )


class KeyUserAssignment(models.Model):
    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Primary")
        BACKUP = "backup", _("Backup")

    module = models.ForeignKey(
        BusinessModule, on_delete=models.CASCADE, related_name="key_user_assignments", verbose_name=_("module")
    )
    membership = models.ForeignKey(
        "people.Membership",
        on_delete=models.CASCADE,
        related_name="key_user_assignments",
        verbose_name=_("Key User"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PRIMARY)
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    objects = KeyUserAssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Key User assignment")
        verbose_name_plural = _("Key User assignments")
        ordering = ["kind", "membership__user__last_name", "membership__user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "membership"], name="modules_keyuserassignment_unique_module_membership"
            ),
            models.UniqueConstraint(
                fields=["module"],
                condition=models.Q(kind="primary"),
                name="modules_keyuserassignment_one_primary_per_module",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["primary", "backup"]), name="modules_keyuserassignment_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user.display_name} → {self.module.name} ({self.get_kind_display()})"


class ModuleEndUser(models.Model):
    """An end user who works in a module: they must be trained for it before go-live."""

    module = models.ForeignKey(
        BusinessModule, on_delete=models.CASCADE, related_name="end_users", verbose_name=_("module")
    )
    membership = models.ForeignKey(
        "people.Membership", on_delete=models.CASCADE, related_name="end_user_modules", verbose_name=_("end user")
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("module end user")
        verbose_name_plural = _("module end users")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "membership"], name="modules_moduleenduser_unique_module_membership"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user.display_name} · {self.module.name}"


class DeliverableType(models.Model):
    """One of a project's standard deliverables: every module created in the project gets one of each
    active type. Projects start from the standard list (`modules.catalog.STANDARD_DELIVERABLES`)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="deliverable_types", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    due_days_before_go_live = models.PositiveSmallIntegerField(
        _("due (days before go-live)"),
        null=True,
        blank=True,
        help_text=_("New modules get this due date; empty: no due date until someone sets one."),
    )
    is_active = models.BooleanField(
        _("added to new modules"), default=True, help_text=_("Switch off to stop adding it to new modules.")
    )

    class Meta:
        verbose_name = _("standard deliverable")
        verbose_name_plural = _("standard deliverables")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="modules_deliverabletype_unique_project_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Deliverable(models.Model):
    """What a module's Key User must deliver (master data, process design…), with its owner, due date,
    status and sign-off. Every change is kept in its history."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        SIGNED_OFF = "signed_off", _("Signed off")

    module = models.ForeignKey(
        BusinessModule, on_delete=models.CASCADE, related_name="deliverables", verbose_name=_("module")
    )
    deliverable_type = models.ForeignKey(
        DeliverableType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliverables",
        verbose_name=_("standard deliverable"),
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    owner = models.ForeignKey(
        "people.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_deliverables",
        verbose_name=_("owner"),
    )
    due_date = DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    note = models.TextField(_("note"), blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["module", "name"], name="modules_deliverable_unique_module_name"),
            models.CheckConstraint(
                condition=models.Q(status__in=["not_started", "in_progress", "done", "signed_off"]),
                name="modules_deliverable_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="signed_off", signed_off_at__isnull=False)
                | (~models.Q(status="signed_off") & models.Q(signed_off_at__isnull=True, signed_off_by__isnull=True)),
                name="modules_deliverable_signed_off_when_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.module.name}"

    @property
    def is_signed_off(self) -> bool:
        return self.status == self.Status.SIGNED_OFF
