"""Reads of projects that several pages share."""

import datetime

from django.db.models import Count, Q, QuerySet

from erpteam.permissions import POLICY, Action
from modules.models import BusinessModule, Deliverable
from modules.selectors import with_progress
from people.models import Membership
from projects.models import PhaseChange


def memberships_for_user(*, user) -> QuerySet[Membership]:
    """The user's active memberships with their projects, nearest target go-live first."""
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("project")
        .annotate(
            module_count=Count("project__modules", filter=Q(project__modules__in_scope=True), distinct=True),
        )
        .order_by("project__target_go_live", "project__name")
    )


def user_may_create_projects(*, user) -> bool:
    """Staff, and whoever plans a project already (the roles the policy lets plan), may start one."""
    planners = [role for role, actions in POLICY.items() if Action.PROJECT_PLAN in actions]
    return user.is_staff or Membership.objects.active().filter(user=user, role__in=planners).exists()


def project_modules(*, project) -> QuerySet[BusinessModule]:
    """A project's modules, in scope first, with their Key Users (primary first) and progress."""
    return with_progress(BusinessModule.objects.filter(project=project)).order_by("-in_scope", "name")


def deliverable_totals(*, project, today: datetime.date) -> dict[str, int]:
    """The project's deliverables of in-scope modules by status, and how many are overdue."""
    Status = Deliverable.Status
    return Deliverable.objects.filter(module__project=project, module__in_scope=True).aggregate(
        total=Count("pk"),
        not_started=Count("pk", filter=Q(status=Status.NOT_STARTED)),
        in_progress=Count("pk", filter=Q(status=Status.IN_PROGRESS)),
        done=Count("pk", filter=Q(status=Status.DONE)),
        signed_off=Count("pk", filter=Q(status=Status.SIGNED_OFF)),
        overdue=Count("pk", filter=Q(due_date__lt=today, status__in=[Status.NOT_STARTED, Status.IN_PROGRESS])),
    )


def phase_history(*, project) -> QuerySet[PhaseChange]:
    return PhaseChange.objects.filter(project=project).select_related("changed_by").order_by("-changed_at", "-id")
