from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erpteam.dates import DateField


def _percent(verbose_name, default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(verbose_name, default=default, validators=[MaxValueValidator(100)])


class Project(models.Model):
    """One ERP rollout at one client."""

    class Phase(models.TextChoices):
        PREPARE = "prepare", _("Prepare")
        EXPLORE = "explore", _("Explore")
        REALIZE = "realize", _("Realize")
        DEPLOY = "deploy", _("Deploy")
        HYPERCARE = "hypercare", _("Hypercare")
        CLOSED = "closed", _("Closed")

    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    client = models.CharField(_("client"), max_length=200)
    erp_product = models.CharField(_("ERP product"), max_length=100)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.PREPARE)
    start_date = DateField(_("start date"))
    target_go_live = DateField(_("target go-live"))
    actual_go_live = DateField(_("actual go-live"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # Readiness thresholds (consultants set them; the rules are in projects/readiness.py). A share at
    # or above "ready" is fine, at or above "at risk" a warning, below it a failure.
    readiness_training_ready = _percent(_("end users trained · ready from (%)"), 100)
    readiness_training_at_risk = _percent(_("end users trained · at risk from (%)"), 80)
    readiness_certified_ready = _percent(_("Key Users certified · ready from (%)"), 100)
    readiness_certified_at_risk = _percent(_("Key Users certified · at risk from (%)"), 50)
    readiness_deliverables_ready = _percent(_("deliverables signed off · ready from (%)"), 100)
    readiness_deliverables_at_risk = _percent(_("deliverables signed off · at risk from (%)"), 80)
    readiness_acceptance_ready = _percent(_("UAT pass rate · ready from (%)"), 95)
    readiness_acceptance_at_risk = _percent(_("UAT pass rate · at risk from (%)"), 80)
    readiness_blockers_max = models.PositiveSmallIntegerField(
        _("open blocking or S1–S2 issues allowed"),
        default=0,
        help_text=_("More than this many in a module: not ready."),
    )
    readiness_overdue_ready = models.PositiveSmallIntegerField(
        _("overdue issues · ready up to"), default=0, help_text=_("Per module.")
    )
    readiness_overdue_at_risk = models.PositiveSmallIntegerField(
        _("overdue issues · at risk up to"), default=2, help_text=_("More than this many in a module: not ready.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["target_go_live", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="projects_project_unique_code"),
            models.CheckConstraint(
                condition=models.Q(target_go_live__gte=models.F("start_date")),
                name="projects_project_go_live_after_start",
                violation_error_message=_("The target go-live cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=models.Q(phase__in=["prepare", "explore", "realize", "deploy", "hypercare", "closed"]),
                name="projects_project_phase_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    readiness_training_ready__lte=100,
                    readiness_certified_ready__lte=100,
                    readiness_deliverables_ready__lte=100,
                    readiness_acceptance_ready__lte=100,
                ),
                name="projects_project_readiness_percent_range",
                violation_error_message=_("A percentage threshold cannot be above 100 %."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    readiness_training_at_risk__lte=models.F("readiness_training_ready"),
                    readiness_certified_at_risk__lte=models.F("readiness_certified_ready"),
                    readiness_deliverables_at_risk__lte=models.F("readiness_deliverables_ready"),
                    readiness_acceptance_at_risk__lte=models.F("readiness_acceptance_ready"),
                    readiness_overdue_ready__lte=models.F("readiness_overdue_at_risk"),
                ),
                name="projects_project_readiness_bands_ordered",
                violation_error_message=_(
                    'Each "at risk" threshold must be less strict than its "ready" threshold: a lower share, '
                    "or more overdue issues."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class PhaseChange(models.Model):
    """A project's move from one phase to another: who, when, from → to, and why."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="phase_changes", verbose_name=_("project")
    )
    from_phase = models.CharField(_("from"), max_length=20, choices=Project.Phase.choices, blank=True)
    to_phase = models.CharField(_("to"), max_length=20, choices=Project.Phase.choices)
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("phase change")
        verbose_name_plural = _("phase changes")
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_phase=models.F("to_phase")), name="projects_phasechange_phase_differs"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.get_from_phase_display() or '—'} → {self.get_to_phase_display()}"


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
    status = models.CharField(_("status"), max_length=20, choices=ReadinessStatus.choices)
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
    status = models.CharField(_("readiness at the time"), max_length=20, choices=ReadinessStatus.choices)
    target_go_live = models.DateField(_("target go-live at the time"))
    evidence = models.JSONField(_("evidence"), default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
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
