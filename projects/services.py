"""Every write to projects: creation, editing and phase changes (each one recorded), and the readiness
thresholds the project keeps."""

import datetime
import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import Membership
from people.services import membership_create
from projects.models import READINESS_THRESHOLD_FIELDS, PhaseChange, Project
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
# What a project must pass to go live, each raising ValidationError: the go / no-go decision lives in
# the readiness app, above projects, which adds its check when it loads (readiness.apps).
GO_LIVE_GATES: list[Callable[[Project], None]] = []


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
            for gate in GO_LIVE_GATES:
                gate(project)
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


# --- Readiness thresholds ----------------------------------------------------------------------------


def readiness_thresholds_update(*, project: Project, **thresholds: int) -> Project:
    """Change the project's readiness thresholds; each "at risk" threshold stays less strict than its
    "ready" one. (Readiness takes today's snapshot again after commit, so the portfolio shows the new rules.)"""
    if unknown := set(thresholds) - set(READINESS_THRESHOLD_FIELDS):
        raise TypeError(f"readiness_thresholds_update() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        for name, value in thresholds.items():
            setattr(project, name, value)
        project.full_clean()
        project.save(update_fields=list(thresholds))
    return project
