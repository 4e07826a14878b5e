"""Reads of projects that several pages share."""

from django.db.models import Count, Prefetch, Q, QuerySet

from modules.models import BusinessModule, KeyUserAssignment
from people.models import Membership


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


def project_modules(*, project) -> QuerySet[BusinessModule]:
    """A project's modules with their Key Users (primary first) prefetched."""
    return (
        BusinessModule.objects.filter(project=project)
        .prefetch_related(
            Prefetch(
                "key_user_assignments",
                queryset=KeyUserAssignment.objects.select_related("membership__user").order_by(
                    "-kind", "membership__user__last_name"
                ),
            )
        )
        .order_by("-in_scope", "name")
    )
