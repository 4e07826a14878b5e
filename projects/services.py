"""Every write to projects: creation, editing and phase changes (each one recorded), readiness
thresholds, snapshots and go / no-go decisions."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from erpteam.permissions import Action, allows
from people.models import Membership
from people.services import membership_create
from projects import readiness
from projects.models import GoLiveDecision, PhaseChange, Project, ReadinessSnapshot
from projects.signals import project_created

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = {"code", "name", "client", "erp_product", "start_date", "target_go_live", "actual_go_live"}


def project_create(
    *,
    created_by,
    code: str,
    name: str,
    client: str,
    erp_product: str,
    start_date: datetime.date,
    target_go_live: datetime.date,
    phase: str = Project.Phase.PREPARE,
) -> Project:
    """Start a rollout: the project, the first entry of its phase history, its creator as the application
    consultant who plans it, and what the apps above give every new project (`project_created`: the
    standard deliverables), all in one transaction."""
    with transaction.atomic():
        project = Project(
            code=code,
            name=name,
            client=client,
            erp_product=erp_product,
            start_date=start_date,
            target_go_live=target_go_live,
            phase=phase,
        )
        project.full_clean()
        project.save()
        PhaseChange.objects.create(project=project, from_phase="", to_phase=phase, changed_by=created_by)
        membership_create(project=project, user=created_by, role=Membership.Role.APP_CONSULTANT)
        project_created.send(sender=Project, project=project)
    return project


def project_update(*, project: Project, **fields) -> Project:
    """Change a project's code, names, ERP product or dates. The phase changes through
    `project_phase_change`, which keeps the history."""
    if unknown := set(fields) - EDITABLE_FIELDS:
        raise TypeError(f"project_update() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        for field, value in fields.items():
            setattr(project, field, value)
        project.full_clean()
        project.save()
    return project


# The phase after deploy: a project enters it only on a recorded go (or go with conditions).
PHASE_AFTER_GO_LIVE = Project.Phase.HYPERCARE


def project_phase_change(*, project: Project, to_phase: str, changed_by, note: str = "") -> PhaseChange:
    """Move a project to another phase and record who, when, from → to and why. Going live (into
    hypercare) needs the latest go / no-go decision to be a go."""
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if to_phase not in Project.Phase.values:
            raise ValidationError(_("Choose one of the phases."), code="invalid_phase")
        if to_phase == project.phase:
            raise ValidationError(
                _("The project is already in the %(phase)s phase.") % {"phase": project.get_phase_display()},
                code="same_phase",
            )
        if to_phase == PHASE_AFTER_GO_LIVE:
            _go_live_gate_check(project)
        change = PhaseChange.objects.create(
            project=project, from_phase=project.phase, to_phase=to_phase, note=note, changed_by=changed_by
        )
        project.phase = to_phase
        project.save(update_fields=["phase"])
    return change


def phase_change_record(
    *, project: Project, from_phase: str, to_phase: str, changed_at: datetime.datetime, changed_by=None, note: str = ""
) -> PhaseChange:
    """Record a phase change that happened before the project was kept here (a rollout brought in
    mid-way). The project's current phase is left as it is."""
    if changed_at > timezone.now():
        raise ValidationError(_("A past phase change cannot be in the future."), code="future_phase_change")
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=project.pk)
        change = PhaseChange(
            project=project,
            from_phase=from_phase,
            to_phase=to_phase,
            changed_at=changed_at,
            changed_by=changed_by,
            note=note,
        )
        change.full_clean()
        change.save()
    return change


def _go_live_gate_check(project: Project) -> None:
    latest = GoLiveDecision.objects.filter(project=project).order_by("-decided_at", "-id").first()
    if latest is None:
        raise ValidationError(
            _(
                "The project cannot move to %(phase)s before a manager records a go-live decision of go or go "
                "with conditions (Readiness → Go / no-go)."
            )
            % {"phase": Project.Phase(PHASE_AFTER_GO_LIVE).label},
            code="no_go_live_decision",
        )
    if not latest.is_go:
        raise ValidationError(
            _(
                "The project cannot move to %(phase)s: the latest go-live decision, on %(date)s, is a no-go. A "
                "manager records a new decision first."
            )
            % {
                "phase": Project.Phase(PHASE_AFTER_GO_LIVE).label,
                "date": date_format(timezone.localdate(latest.decided_at), "DATE_FORMAT"),
            },
            code="no_go",
        )


# --- Readiness -------------------------------------------------------------------------------------------


def readiness_thresholds_update(*, project: Project, **thresholds: int) -> Project:
    """Change the project's readiness thresholds; each "at risk" threshold stays less strict than its
    "ready" one. Today's snapshot is taken again after commit, so the portfolio shows the new rules."""
    if unknown := set(thresholds) - set(readiness.THRESHOLD_FIELDS):
        raise TypeError(f"readiness_thresholds_update() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        for name, value in thresholds.items():
            setattr(project, name, value)
        project.full_clean()
        project.save(update_fields=list(thresholds))
        transaction.on_commit(lambda: _snapshot_refresh_enqueue(project.pk))
    return project


def _snapshot_refresh_enqueue(project_id: int) -> None:
    """Ask for today's snapshot again. If the broker is down, the hourly beat takes it later: the web
    request never fails because of the broker."""
    from projects.tasks import readiness_snapshot_refresh

    try:
        readiness_snapshot_refresh.delay(project_id)
    except Exception:  # the broker's client raises several kinds when it is unreachable
        logger.warning("Broker unreachable; project %s's snapshot is refreshed at the next beat", project_id)


def _snapshot_rows(result: readiness.ProjectReadiness, *, reconstructed: bool) -> list[ReadinessSnapshot]:
    now = timezone.now()
    rows = []
    for module in result.modules:
        levels = module.level_counts
        rows.append(
            ReadinessSnapshot(
                project=result.project,
                module=module.module,
                day=result.today,
                status=module.status,
                checks_ok=levels[readiness.Level.OK],
                checks_warning=levels[readiness.Level.WARNING],
                checks_failing=levels[readiness.Level.FAILING],
                reconstructed=reconstructed,
                taken_at=now,
                **{name: getattr(module.figures, name) for name in readiness.FIGURE_NAMES},
            )
        )
    return rows


SNAPSHOT_UPDATED_FIELDS = [
    "status",
    "checks_ok",
    "checks_warning",
    "checks_failing",
    "reconstructed",
    "taken_at",
    *readiness.FIGURE_NAMES,
]


def readiness_snapshot_take(*, project: Project, today: datetime.date | None = None) -> int:
    """Record today's readiness of each in-scope module. Taking it again the same day replaces the
    day's figures with the latest ones: still one row per project, module and day."""
    result = readiness.project_readiness(project=project, today=today)
    rows = _snapshot_rows(result, reconstructed=False)
    ReadinessSnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["project", "module", "day"],
        update_fields=SNAPSHOT_UPDATED_FIELDS,
    )
    return len(rows)


def readiness_backfill(*, project: Project, days: int, today: datetime.date | None = None) -> int:
    """Reconstruct the snapshots of the `days` days before today that have none (from the project's
    start), from the dates the evidence carries. Days already recorded are left as they are."""
    today = today or timezone.localdate()
    first = max(today - datetime.timedelta(days=days), project.start_date)
    recorded = set(
        ReadinessSnapshot.objects.filter(project=project, day__gte=first, day__lt=today).values_list("day", flat=True)
    )
    created = 0
    day = first
    while day < today:
        if day not in recorded:
            rows = _snapshot_rows(readiness.project_readiness_on(project=project, day=day), reconstructed=True)
            created += len(ReadinessSnapshot.objects.bulk_create(rows, ignore_conflicts=True))
        day += datetime.timedelta(days=1)
    return created


def go_live_decision_record(
    *,
    project: Project,
    decided_by: Membership,
    outcome: str,
    rationale: str,
    conditions: str = "",
    evidence: readiness.ProjectReadiness | None = None,
    at: datetime.datetime | None = None,
) -> GoLiveDecision:
    """Record a manager's go / no-go decision with the evidence as it is at this moment (or as given:
    a decision recorded after the fact keeps the readiness of its day). Decisions are never changed;
    the latest one decides whether the project may go live."""
    if decided_by.project_id != project.pk or not decided_by.is_active or not allows(decided_by, Action.GO_LIVE_DECIDE):
        raise ValidationError(_("Only the project's managers record the go / no-go decision."), code="not_a_manager")
    if outcome not in GoLiveDecision.Outcome.values:
        raise ValidationError({"outcome": _("Choose go, go with conditions or no-go.")}, code="invalid_outcome")
    if not rationale.strip():
        raise ValidationError({"rationale": _("Say why: the decision is read long after it is made.")})
    if outcome == GoLiveDecision.Outcome.GO_WITH_CONDITIONS and not conditions.strip():
        raise ValidationError({"conditions": _("A go with conditions states its conditions.")})
    if at is not None and at > timezone.now():
        raise ValidationError(_("A decision cannot be recorded in the future."), code="future_decision")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if evidence is None:
            evidence = readiness.project_readiness(project=project)
            record = readiness.evidence_record(evidence, readiness.blocker_forecast(readiness=evidence))
        else:
            record = readiness.evidence_record(evidence)
        decision = GoLiveDecision(
            project=project,
            outcome=outcome,
            rationale=rationale.strip(),
            conditions=conditions.strip(),
            phase=project.phase,
            status=evidence.status,
            target_go_live=project.target_go_live,
            evidence=record,
            decided_by=decided_by.user,
            decided_at=at or timezone.now(),
        )
        decision.full_clean()
        decision.save()
    return decision
