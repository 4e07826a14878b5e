"""Reads of the people in a project that several pages share."""

from django.db.models import Count

from people.models import Membership


def role_counts(*, project) -> list[tuple[str, str, int]]:
    """Active members per role as (role, label, count), every role listed (zero when nobody holds it)."""
    counts = dict(
        Membership.objects.active()
        .filter(project=project)
        .values_list("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    return [(role, label, counts.get(role, 0)) for role, label in Membership.Role.choices]
