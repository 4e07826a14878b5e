"""The readiness summary: each project's evidence (`evidence.gather`) kept in Django's cache (Redis when
REDIS_URL is set, so every process shares it; local memory otherwise), so that the dashboard does not
gather it again on every request.

It is never stale. The entry is keyed on the project and its *generation*, a counter that `bump` raises
after every committed change that can move a figure: a reader after the bump looks for the next
generation, misses, and gathers the evidence again. A reader that gathered from the database before a
change committed stores its result under the generation it read, which nobody asks for any more.

The bumps come from the evidence models' signals (see `connect`), because whatever changes the
evidence — a page, the admin, an import, a Celery task, a shell through a service — saves or deletes
those models. This is a cache invalidation, not a domain rule, which DESIGN keeps out of signals. The
writes that send no signal (`bulk_create`, `QuerySet.update()`) call
`erpteam.readiness_registry.evidence_changed` from their services, which this module listens to.

Figures also move with time alone: an open issue becomes overdue at its due time, and the UAT cycle that
counts is chosen by the day. So an entry expires at the earliest such moment: the next due time of an
open issue of the project, or the next local midnight (one query, on a miss only: cheaper than a short
fixed lifetime, which would gather the evidence again every minute on a busy project). `MAX_AGE` bounds
it besides: a bump lost while the cache was unreachable is forgotten after that long.

When the cache is unreachable, the evidence is gathered live: the page is slower, never an error.
"""

import datetime
import logging
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from acceptance.models import (
    AcceptanceException,
    CycleScenario,
    ModuleSignOff,
    StepResult,
    TestCycle,
    TestRun,
    TestScenario,
)
from erpteam.readiness_registry import EVIDENCE_CHANGED
from issues.models import Issue
from modules.models import BusinessModule, Deliverable, KeyUserAssignment, ModuleEndUser
from people.models import Membership, User
from projects.models import Project
from readiness.evidence import Evidence, ProjectReadiness, gather, readiness_of
from training.models import Attendance, TrainingSession

logger = logging.getLogger(__name__)

MAX_AGE = 600  # seconds

# How to find the project of each model whose changes can move a figure (attribute paths).
PROJECT_OF = {
    Project: "pk",
    BusinessModule: "project_id",
    KeyUserAssignment: "membership.project_id",
    ModuleEndUser: "membership.project_id",
    Membership: "project_id",
    Deliverable: "module.project_id",
    TrainingSession: "module.project_id",
    Attendance: "membership.project_id",
    Issue: "project_id",
    TestScenario: "project_id",
    TestCycle: "project_id",
    CycleScenario: "cycle.project_id",
    TestRun: "cycle.project_id",
    StepResult: "run.cycle.project_id",
    ModuleSignOff: "cycle.project_id",
    AcceptanceException: "cycle.project_id",
}


def _generation_key(project_id: int) -> str:
    return f"readiness:generation:{project_id}"


def _summary_key(project_id: int, generation: int) -> str:
    return f"readiness:summary:{project_id}:{generation}"


def bump(project_id: int) -> None:
    """Retire the project's summary: the next reader gathers the evidence again."""
    key = _generation_key(project_id)
    try:
        try:
            cache.incr(key)
        except ValueError:  # no generation yet (or evicted): any fresh value retires the old entries
            cache.set(key, time.time_ns(), None)
    except Exception:  # the cache is unreachable: `MAX_AGE` bounds what it may still hold
        logger.warning("Readiness summary of project %s not renewed: cache unreachable", project_id, exc_info=True)


def bump_after_commit(project_id: int) -> None:
    transaction.on_commit(lambda: bump(project_id))


def _generation(project_id: int) -> int:
    key = _generation_key(project_id)
    generation = cache.get(key)
    if generation is None:
        cache.add(key, time.time_ns(), None)
        generation = cache.get(key)
    return generation


def _expires_in(project: Project, now: datetime.datetime) -> int:
    """Seconds until a figure can move by time alone: the next due time of an open issue (whose clock
    runs), the next local midnight, at most `MAX_AGE`."""
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(now), datetime.time.min))
    moments = [midnight + datetime.timedelta(days=1)]
    due = Issue.objects.filter(project=project, status__in=Issue.OPEN_STATUSES, sla_paused_at__isnull=True).aggregate(
        resolve=Min("resolve_due", filter=Q(resolve_due__gt=now)),
        respond=Min("respond_due", filter=Q(first_response_at__isnull=True, respond_due__gt=now)),
    )
    moments += [moment for moment in due.values() if moment is not None]
    return max(1, min(MAX_AGE, int((min(moments) - now).total_seconds()) + 1))


def project_evidence(*, project: Project, today: datetime.date) -> Evidence:
    """The project's evidence today, from the summary when it holds it, gathered (and kept) otherwise."""
    try:
        key = _summary_key(project.pk, _generation(project.pk))
        kept = cache.get(key)
    except Exception:
        logger.warning("Readiness summary unreachable: evidence gathered live", exc_info=True)
        return gather(project=project, today=today)
    if kept is not None and kept[0] == today:
        return kept[1]
    evidence = gather(project=project, today=today)
    try:
        cache.set(key, (today, evidence), _expires_in(project, timezone.now()))
    except Exception:
        logger.warning("Readiness summary not kept: cache unreachable", exc_info=True)
    return evidence


def summary_readiness(*, project: Project, today: datetime.date | None = None) -> ProjectReadiness:
    """`evidence.project_readiness`, read from the summary."""
    today = today or timezone.localdate()
    return readiness_of(project=project, today=today, evidence=project_evidence(project=project, today=today))


# --- Invalidation ----------------------------------------------------------------------------------


def _project_id(instance) -> int | None:
    value = instance
    for name in PROJECT_OF[type(instance)].split("."):
        value = getattr(value, name, None)
    return value


def _evidence_saved_or_deleted(sender, instance, **kwargs) -> None:
    project_id = _project_id(instance)
    if project_id is not None:
        bump_after_commit(project_id)


def _user_saved(sender, instance: User, created: bool = False, update_fields=None, **kwargs) -> None:
    """A person deactivated (or back) leaves the Key Users and end users counted in each of their projects
    (not a save of other fields only, such as the last login's)."""
    if not created and (update_fields is None or "is_active" in update_fields):
        for project_id in Membership.objects.filter(user=instance).values_list("project_id", flat=True):
            bump_after_commit(project_id)


def _cycle_scenarios_changed(sender, instance: TestCycle | TestScenario, action: str, **kwargs) -> None:
    """Scenarios planned in a cycle or taken out of it (`cycle.scenarios.add()`, from either side)."""
    if action in ("post_add", "post_remove", "post_clear"):
        bump_after_commit(instance.project_id)


def _evidence_changed(sender, project_id: int, **kwargs) -> None:
    bump_after_commit(project_id)


def connect() -> None:
    for model in PROJECT_OF:
        uid = f"readiness-summary-{model.__name__}"
        post_save.connect(_evidence_saved_or_deleted, sender=model, dispatch_uid=uid)
        post_delete.connect(_evidence_saved_or_deleted, sender=model, dispatch_uid=uid)
    post_save.connect(_user_saved, sender=User, dispatch_uid="readiness-summary-user")
    scenarios = TestCycle.scenarios.through
    m2m_changed.connect(_cycle_scenarios_changed, sender=scenarios, dispatch_uid="readiness-summary-m2m")
    EVIDENCE_CHANGED.connect(_evidence_changed, dispatch_uid="readiness-summary-bulk")
