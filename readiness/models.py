"""Readiness records: each module's daily figures (the trends) and the managers' go / no-go decisions.
They keep the tables they had when readiness was part of projects."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import Project


class ReadinessStatus(models.TextChoices):
    READY = "ready", _("Ready")
    AT_RISK = "at_risk", _("At risk")
    NOT_READY = "not_ready", _("Not ready")


class ReadinessSnapshot(models.Model):
    """A module's readiness figures on one day, for the trends: one row per project, module and day.
    The daily task records today's; the backfill reconstructs missing past days from the dates the
    evidence carries (`reconstructed`)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="readiness_snapshots", verbose_name=_("project")
    )
    module = models.ForeignKey(
        "modules.BusinessModule",
        on_delete=models.CASCADE,
        related_name="readiness_snapshots",
        verbose_name=_("module"),
    )
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=20, choices=ReadinessStatus)
    checks_ok = models.PositiveSmallIntegerField(_("criteria met"), default=0)
    checks_warning = models.PositiveSmallIntegerField(_("criteria at risk"), default=0)
    checks_failing = models.PositiveSmallIntegerField(_("criteria failing"), default=0)
    key_users = models.PositiveIntegerField(_("Key Users"), default=0)
    key_users_certified = models.PositiveIntegerField(_("Key Users certified"), default=0)
    end_users = models.PositiveIntegerField(_("end users"), default=0)
    end_users_trained = models.PositiveIntegerField(_("end users trained"), default=0)
    deliverables = models.PositiveIntegerField(_("deliverables"), default=0)
    deliverables_signed_off = models.PositiveIntegerField(_("deliverables signed off"), default=0)
    open_issues = models.PositiveIntegerField(_("open issues"), default=0)
    open_blockers = models.PositiveIntegerField(_("open blocking or S1–S2 issues"), default=0)
    open_blocking_go_live = models.PositiveIntegerField(_("open issues blocking go-live"), default=0)
    open_s1_s2 = models.PositiveIntegerField(_("open S1–S2 issues"), default=0)
    overdue = models.PositiveIntegerField(_("overdue issues"), default=0)
    uat_planned = models.PositiveIntegerField(_("UAT scenarios planned"), default=0)
    uat_passed = models.PositiveIntegerField(_("UAT scenarios passed"), default=0)
    uat_failed = models.PositiveIntegerField(_("UAT scenarios failed or blocked"), default=0)
    uat_open_defects = models.PositiveIntegerField(_("open UAT defects"), default=0)
    uat_signed_off = models.BooleanField(_("UAT signed off"), default=False)
    reconstructed = models.BooleanField(
        _("reconstructed"), default=False, help_text=_("Backfilled from the dates of the evidence, not taken that day.")
    )
    taken_at = models.DateTimeField(_("taken"), default=timezone.now)

    class Meta:
        db_table = "projects_readinesssnapshot"
        verbose_name = _("readiness snapshot")
        verbose_name_plural = _("readiness snapshots")
        ordering = ["-day", "module__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "module", "day"], name="projects_readinesssnapshot_unique_project_module_day"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["ready", "at_risk", "not_ready"]),
                name="projects_readinesssnapshot_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["project", "day"], name="projects_snapshot_project_day")]

    def __str__(self) -> str:
        return f"{self.module} · {self.day} · {self.get_status_display()}"


class GoLiveDecision(models.Model):
    """A manager's go / no-go decision, with the evidence as it was at that moment. Decisions are never
    changed: a new one is recorded instead, and the latest one is the one that counts."""

    class Outcome(models.TextChoices):
        GO = "go", _("Go")
        GO_WITH_CONDITIONS = "go_with_conditions", _("Go with conditions")
        NO_GO = "no_go", _("No-go")

    GO_OUTCOMES = (Outcome.GO, Outcome.GO_WITH_CONDITIONS)

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="go_live_decisions", verbose_name=_("project")
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices)
    rationale = models.TextField(_("rationale"))
    conditions = models.TextField(_("conditions"), blank=True)
    phase = models.CharField(_("phase at the time"), max_length=20, choices=Project.Phase.choices)
    status = models.CharField(_("readiness at the time"), max_length=20, choices=ReadinessStatus)
    target_go_live = models.DateField(_("target go-live at the time"))
    evidence = models.JSONField(_("evidence"), default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    history = HistoricalRecords(table_name="projects_historicalgolivedecision")

    class Meta:
        db_table = "projects_golivedecision"
        verbose_name = _("go-live decision")
        verbose_name_plural = _("go-live decisions")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=["go", "go_with_conditions", "no_go"]),
                name="projects_golivedecision_outcome_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="go_with_conditions") | ~models.Q(conditions=""),
                name="projects_golivedecision_conditions_stated",
                violation_error_message=_("A go with conditions states its conditions."),
            ),
        ]
        indexes = [models.Index(fields=["project", "-decided_at"], name="projects_decision_project_date")]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.get_outcome_display()} ({self.decided_at:%Y-%m-%d})"

    @property
    def is_go(self) -> bool:
        return self.outcome in self.GO_OUTCOMES
