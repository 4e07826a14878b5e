"""Reads of the people in a project that several pages share."""

from django.db.models import Count
from django.utils.functional import Promise

from people.fields import members_matching
from people.models import Membership


def role_counts(*, project) -> list[tuple[str, Promise, int]]:
    """Active members per role as (role, label, count), every role listed (zero when nobody holds it)."""
    counts = dict(
        Membership.objects.active()
        .filter(project=project)
        .values_list("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    return [(role, label, counts.get(role, 0)) for role, label in Membership.Role.choices]


def members_found(*, project, text: str, roles=(), limit: int = 20) -> list[Membership]:
    """Up to `limit` active members of the project in `roles` (any role when empty) whose name or
    username contains each word of `text`, by name."""
    members = Membership.objects.active().filter(project=project).select_related("user")
    if roles:
        members = members.filter(role__in=roles)
    return list(
        members_matching(members, text).order_by("user__last_name", "user__first_name", "user__username", "pk")[:limit]
    )
