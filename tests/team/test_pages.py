"""The roster and import pages run a constant number of queries whatever the team's size."""

import pytest
from django.urls import reverse

from modules import services
from people.models import Membership
from team.roster.services import roster_import_create
from tests.factories import MembershipFactory, module_make
from tests.querycount import assert_same_queries, queries_for
from tests.team.conftest import csv_bytes

pytestmark = pytest.mark.django_db

Role = Membership.Role


def grow(team, people: int) -> None:
    for i in range(people):
        key_user = MembershipFactory(project=team.project, role=Role.KEY_USER, department=f"Dept {i % 4}")
        module = module_make(project=team.project, key_users=[key_user])
        services.key_user_assign(module=team.module, membership=key_user)
        services.module_end_user_add(
            module=module, membership=MembershipFactory(project=team.project, role=Role.END_USER)
        )
        MembershipFactory(project=team.project, role=Role.IT_USER, is_active=False)


@pytest.mark.parametrize("query", ["", "?role=key_user&active=yes", "?q=a&page=2"])
def test_the_roster_runs_the_same_number_of_queries_at_two_sizes(team, query):
    client = team.client_for(Role.APP_CONSULTANT)
    url = reverse("people:list", args=[team.project.pk]) + query
    grow(team, 10)
    small = queries_for(client, url)
    grow(team, 30)
    assert_same_queries(small, queries_for(client, url), url=url)


def test_the_import_preview_runs_the_same_number_of_queries_for_a_small_and_a_large_file(team):
    client = team.client_for(Role.APP_CONSULTANT)

    def preview_url(n: int) -> str:
        rows = [[f"P {i}", f"p{n}.{i}", "", "", "end_user", "fin", ""] for i in range(n)]
        roster_import = roster_import_create(
            project=team.project, uploaded_by=None, filename="r.csv", data=csv_bytes(rows)
        )
        return reverse("people:import_detail", args=[team.project.pk, roster_import.pk])

    small = queries_for(client, preview_url(5))
    assert_same_queries(small, queries_for(client, preview_url(400)))
