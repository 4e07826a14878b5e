"""Module pages run a constant number of queries whatever the data size."""

import pytest
from django.urls import reverse

from modules import services
from people.models import Membership
from tests.factories import MembershipFactory, module_make
from tests.querycount import assert_same_queries, queries_for

pytestmark = pytest.mark.django_db

Role = Membership.Role


def grow(team, modules: int, people_per_module: int) -> None:
    """More modules, each with Key Users, end users and deliverables in various states; and more of
    the same on the team's own module."""
    for _ in range(modules):
        key_users = [MembershipFactory(project=team.project, role=Role.KEY_USER) for _ in range(2)]
        module_make(project=team.project, key_users=key_users)
    for _ in range(people_per_module):
        services.key_user_assign(
            module=team.module, membership=MembershipFactory(project=team.project, role=Role.KEY_USER)
        )
        services.module_end_user_add(
            module=team.module, membership=MembershipFactory(project=team.project, role=Role.END_USER)
        )
    owner = MembershipFactory(project=team.project, role=Role.IT_USER)
    for deliverable in team.module.deliverables.all()[: people_per_module % 6 + 1]:
        services.deliverable_update(
            deliverable=deliverable,
            acting_user=team.user(Role.KEY_USER),
            status="signed_off",
            owner=owner,
            due_date=None,
        )


@pytest.mark.parametrize("url_name", ["modules:list", "modules:detail", "modules:deliverable_types"])
@pytest.mark.parametrize("role", [Role.APP_CONSULTANT, Role.KEY_USER])
def test_module_pages_run_the_same_number_of_queries_at_two_sizes(team, url_name, role):
    client = team.client_for(role)
    args = [team.project.pk, team.module.pk] if url_name == "modules:detail" else [team.project.pk]
    url = reverse(url_name, args=args)
    grow(team, 2, 2)
    small = queries_for(client, url)
    grow(team, 20, 15)
    assert_same_queries(small, queries_for(client, url), url=url)


def test_the_module_page_shows_key_users_end_users_and_deliverable_progress(team):
    grow(team, 0, 1)
    page = team.client_for(Role.MANAGER).get(reverse("modules:detail", args=[team.project.pk, team.module.pk]))
    content = page.content.decode()
    assert "Every business module has at least one Key User." in content
    assert "2 of 6 signed off" in content
    for assignment in team.module.key_user_assignments.select_related("membership__user"):
        assert assignment.membership.user.display_name in content
    for link in team.module.end_users.select_related("membership__user"):
        assert link.membership.user.display_name in content
    for marker in ("Make primary", "Update"):
        assert marker not in content  # readers get no buttons
