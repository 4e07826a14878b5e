from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
