"""Reads of the team that several pages share."""

from django.db.models import Prefetch, QuerySet

from modules.models import KeyUserAssignment, ModuleEndUser
from people.models import Membership, RosterImport


def roster(*, project) -> QuerySet[Membership]:
    """Everyone in the project, active or not, with the modules they own or work in."""
    return (
        Membership.objects.filter(project=project)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "key_user_assignments",
                queryset=KeyUserAssignment.objects.select_related("module").order_by("-kind", "module__name"),
            ),
            Prefetch(
                "end_user_modules", queryset=ModuleEndUser.objects.select_related("module").order_by("module__name")
            ),
        )
        .order_by("-is_active", "user__last_name", "user__first_name", "user__username")
    )


def recent_imports(*, project) -> QuerySet[RosterImport]:
    return (
        RosterImport.objects.filter(project=project).select_related("uploaded_by").defer("rows", "changes", "problems")
    )
