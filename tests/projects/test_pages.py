"""Home and project pages: access, content and query counts."""

import pytest
from django.urls import reverse

from people.models import Membership
from tests.factories import MembershipFactory, ProjectFactory, module_make
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db

Role = Membership.Role


def test_anonymous_visitors_are_sent_to_the_login_page(client, team):
    for url in (reverse("home"), reverse("projects:detail", args=[team.project.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_login_page_is_public(client):
    assert client.get(reverse("login")).status_code == 200


def test_the_home_page_lists_my_projects_with_my_role(team):
    response = team.client_for(Role.KEY_USER).get(reverse("home"))
    page = response.content.decode()
    assert "Demo rollout" in page
    assert "Key User" in page
    assert "Other rollout" not in page


def test_an_outsider_gets_404_for_a_project(team):
    assert team.client_for("outsider").get(reverse("projects:detail", args=[team.project.pk])).status_code == 404


def test_staff_who_are_not_members_get_404(team):
    assert team.client_for("staff").get(reverse("projects:detail", args=[team.project.pk])).status_code == 404


@pytest.mark.parametrize("role", list(Role))
def test_every_member_sees_the_modules_and_their_key_users(team, role):
    response = team.client_for(role).get(reverse("projects:detail", args=[team.project.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Finance" in page
    assert team.members[Role.KEY_USER].user.display_name in page


def test_a_deactivated_member_no_longer_sees_the_project(team):
    membership = team.members[Role.MANAGER]
    membership.is_active = False
    membership.save()
    assert team.client_for(Role.MANAGER).get(reverse("projects:detail", args=[team.project.pk])).status_code == 404


def grow(team, modules: int) -> None:
    for _ in range(modules):
        key_users = [MembershipFactory(project=team.project, role=Role.KEY_USER) for _ in range(2)]
        module_make(project=team.project, key_users=key_users)
        MembershipFactory(user=team.user(Role.KEY_USER), project=ProjectFactory(), role=Role.END_USER)


@pytest.mark.parametrize("url_name", ["home", "projects:detail"])
def test_pages_run_the_same_number_of_queries_for_3_and_30_modules(team, url_name):
    client = team.client_for(Role.KEY_USER)
    url = reverse(url_name, args=[team.project.pk] if url_name != "home" else [])
    grow(team, 2)
    small = queries_for(client, url)
    grow(team, 27)
    assert queries_for(client, url) == small
