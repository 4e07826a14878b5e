"""Reads of projects that several pages share."""

from django.db.models import Count, Q, QuerySet

from erpteam.permissions import POLICY, Action
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


def phase_history(*, project) -> QuerySet[PhaseChange]:
    return PhaseChange.objects.filter(project=project).select_related("changed_by").order_by("-changed_at", "-id")
