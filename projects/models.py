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

    # Readiness thresholds (consultants set them; the rules are in each domain app's readiness.py). A
    # share at or above "ready" is fine, at or above "at risk" a warning, below it a failure.
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


# The readiness thresholds a project keeps (the readiness app reads them as its rules).
READINESS_THRESHOLD_FIELDS = tuple(f.name for f in Project._meta.fields if f.name.startswith("readiness_"))
