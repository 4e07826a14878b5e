"""The audit trail page: who sees it, what it escapes, its pages and its query count."""

import pytest
from django.urls import reverse

from modules import services as module_services
from people.models import Membership
from tests.audit.conftest import changes_of_every_kind
from tests.querycount import assert_same_queries, queries_for

pytestmark = pytest.mark.django_db

Role = Membership.Role


def url(team) -> str:
    return reverse("audit:list", args=[team.project.pk])


@pytest.mark.parametrize("role", list(Role))
def test_the_tab_shows_only_for_those_who_may_read_the_trail(team, role):
    page = team.client_for(role).get(reverse("projects:detail", args=[team.project.pk])).content.decode()
    assert (url(team) in page) == (role in (Role.APP_CONSULTANT, Role.TECH_CONSULTANT, Role.MANAGER))


def test_what_people_typed_is_shown_as_text(team):
    module_services.module_update(module=team.module, name='<script>alert("x")</script>')
    page = team.client_for(Role.MANAGER).get(url(team)).content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_the_trail_is_paginated_newest_first(team):
    for n in range(3):
        changes_of_every_kind(team, n)
    first = team.client_for(Role.MANAGER).get(url(team))
    second = team.client_for(Role.MANAGER).get(url(team), {"page": 2})
    assert first.context["page"].paginator.count > 50
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].object_list[-1].when >= second.context["page"].object_list[0].when


def test_the_page_runs_the_same_queries_whatever_the_amount_of_history(team):
    changes_of_every_kind(team, 0)
    client = team.client_for(Role.APP_CONSULTANT)
    small = queries_for(client, url(team))
    small_filtered = queries_for(client, url(team) + f"?module={team.module.pk}&person={team.user(Role.KEY_USER).pk}")
    for n in range(1, 5):
        changes_of_every_kind(team, n)
    assert_same_queries(small, queries_for(client, url(team)), url=url(team))
    large_filtered = queries_for(client, url(team) + f"?module={team.module.pk}&person={team.user(Role.KEY_USER).pk}")
    assert_same_queries(small_filtered, large_filtered, url=url(team))


@pytest.mark.parametrize(("role", "shown"), [(Role.MANAGER, True), (Role.APP_CONSULTANT, True), (Role.KEY_USER, False)])
def test_the_module_page_links_to_the_history_of_its_key_users_and_deliverables(team, role, shown):
    module_page = reverse("modules:detail", args=[team.project.pk, team.module.pk])
    page = team.client_for(role).get(module_page).content.decode()
    for kind in ("key_user", "deliverable"):
        link = f"{url(team)}?module={team.module.pk}&amp;kind={kind}"
        assert (link in page) == shown
    if shown:
        history = team.client_for(role).get(url(team), {"module": team.module.pk, "kind": "key_user"})
        (created,) = history.context["page"].object_list
        assert created.subject == f"{team.user(Role.KEY_USER).display_name} → Finance"


@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01", "date_to=1899-12-31"])
def test_a_date_out_of_range_is_a_filter_error(team, query):
    response = team.client_for(Role.MANAGER).get(f"{url(team)}?{query}")
    assert response.status_code == 200
    assert "Enter a date between 1900 and 2199." in response.content.decode()
