"""The home page of every role, the search results and the navigation's counts run the same number of
queries whatever the size of the data and the number of the person's projects."""

import pytest
from django.urls import reverse

from issues import services as issue_services
from issues.models import Issue
from modules.services import module_end_user_add
from people.models import Membership
from readiness import services as readiness_services
from tests.factories import MembershipFactory, ProjectFactory, module_make
from tests.querycount import assert_same_queries, queries_for
from tests.training.conftest import at, session_make
from tests.workspaces.conftest import days, deliverable_make, issue_make
from training import services as training_services

pytestmark = pytest.mark.django_db

Role = Membership.Role
Tier = Issue.Tier


def fill(project, members: dict, n: int) -> None:
    """`n` of everything each role's home lists, in a project where `members` (role → membership) work."""
    key_user, end_user = members[Role.KEY_USER], members[Role.END_USER]
    for i in range(n):
        module = module_make(project=project, key_users=[key_user])
        module_end_user_add(module=module, membership=end_user)
        request = issue_make(module, end_user, f"Request {i}")
        issue_services.issue_escalate(issue=request, to_tier=Tier.CONSULTANT, reason="Business", actor=key_user)
        technical = issue_make(module, key_user, f"Technical {i}")
        issue_services.issue_escalate(issue=technical, to_tier=Tier.TECHNICAL, reason="Interface", actor=key_user)
        issue_make(module, key_user, f"New {i}", assignee=members[Role.IT_USER])
        deliverable_make(module, name=f"Late {i}", due=days(-2), owner=key_user)
        deliverable_make(module, name=f"Due {i}", due=days(4), owner=key_user)
        for start in (at(-1), at(2)):
            session = session_make(None, module=module, trainer=key_user, start=start, title=f"Session {i}")
            training_services.attendees_invite(session=session, memberships=[end_user])
    readiness_services.readiness_snapshot_take(project=project)


def another_project(team) -> None:
    """One more project where each persona holds the same role."""
    project = ProjectFactory()
    members = {role: MembershipFactory(project=project, role=role, user=team.user(role)) for role in Role}
    fill(project, members, 2)


@pytest.mark.parametrize("role", list(Role))
def test_each_home_runs_the_same_number_of_queries_at_two_sizes(team, morning, role):
    client = team.client_for(role)
    fill(team.project, team.members, 1)
    small = queries_for(client, reverse("home"))
    fill(team.project, team.members, 8)
    another_project(team)
    another_project(team)
    assert_same_queries(small, queries_for(client, reverse("home")), url=f"home as {role}")


@pytest.mark.parametrize("role", [Role.KEY_USER, Role.END_USER])
def test_search_results_run_the_same_number_of_queries_at_two_sizes(team, morning, role):
    client = team.client_for(role)
    url = reverse("search:results") + "?q=Session"
    fill(team.project, team.members, 1)
    small = queries_for(client, url)
    fill(team.project, team.members, 8)
    another_project(team)
    assert_same_queries(small, queries_for(client, url), url=url)


def test_a_project_page_with_its_navigation_counts_runs_the_same_number_of_queries_at_two_sizes(team, morning):
    client = team.client_for(Role.KEY_USER)
    url = reverse("projects:detail", args=[team.project.pk])
    fill(team.project, team.members, 1)
    small = queries_for(client, url)
    fill(team.project, team.members, 6)
    another_project(team)
    assert_same_queries(small, queries_for(client, url), url=url)
