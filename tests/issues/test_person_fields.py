"""Person fields: a select in a small project, a search field (and the member look-up) in a big one; the
issue page and form cost the same queries and never list every member of a big project."""

import pytest
from django.urls import reverse

from issues.forms import AssignForm
from people.fields import SELECT_UP_TO
from people.models import Membership, User
from tests.factories import MembershipFactory, UserFactory
from tests.querycount import assert_same_queries, queries_for

pytestmark = pytest.mark.django_db

Role = Membership.Role


def members_bulk(project, count: int, *, role=Role.END_USER, prefix: str = "crowd") -> None:
    start = User.objects.filter(username__startswith=prefix).count()
    users = User.objects.bulk_create(
        [
            User(username=f"{prefix}{n}", first_name="Person", last_name=f"Number{n:04d}")
            for n in range(start, start + count)
        ]
    )
    Membership.objects.bulk_create([Membership(project=project, user=user, role=role) for user in users])


def test_a_big_project_gets_a_search_field_and_a_small_one_a_select(team):
    assert "<select" in str(AssignForm(project=team.project)["assignee"])
    members_bulk(team.project, SELECT_UP_TO, role=Role.IT_USER)
    html = str(AssignForm(project=team.project)["assignee"])
    assert "<select" not in html
    assert 'role="combobox"' in html
    assert reverse("people:lookup", args=[team.project.pk]) in html
    assert "Number0001" not in html


def test_the_search_field_shows_the_chosen_member_as_name_and_username(team):
    members_bulk(team.project, SELECT_UP_TO + 1, role=Role.IT_USER)
    it_user = team.members[Role.IT_USER]
    html = str(AssignForm(project=team.project, initial={"assignee": it_user.pk})["assignee"])
    assert f"{it_user.user.display_name} ({it_user.user.username})" in html


@pytest.mark.parametrize(
    "typed", ["ituser", "ITUSER", "Jun Zhao", "jun zhao", "Jun Zhao (ituser)", "  ituser  ", "{pk}"]
)
def test_a_typed_username_exact_name_or_id_chooses_the_member(team, typed):
    it_user = team.members[Role.IT_USER]
    it_user.user.first_name, it_user.user.last_name = "Jun", "Zhao"
    it_user.user.save()
    form = AssignForm({"assignee": typed.format(pk=it_user.pk)}, project=team.project)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["assignee"] == it_user


def test_a_partial_name_answers_with_the_matches_and_keeps_the_text(team):
    members_bulk(team.project, SELECT_UP_TO + 10, role=Role.IT_USER)
    form = AssignForm({"assignee": "Number000"}, project=team.project)
    assert not form.is_valid()
    error = form.errors["assignee"][0]
    assert "Person Number0000 (crowd0)" in error
    assert "Person Number0004 (crowd4)" in error
    assert "Number0005" not in error
    assert "…" in error
    assert 'value="Number000"' in str(form["assignee"])


def test_two_people_of_the_same_name_are_told_apart_by_username(team):
    for username in ("li.wei", "li.wei2"):
        MembershipFactory(
            project=team.project,
            role=Role.IT_USER,
            user=UserFactory(username=username, first_name="Li", last_name="Wei"),
        )
    form = AssignForm({"assignee": "Li Wei"}, project=team.project)
    assert not form.is_valid()
    assert "Li Wei (li.wei)" in form.errors["assignee"][0]
    assert "Li Wei (li.wei2)" in form.errors["assignee"][0]
    form = AssignForm({"assignee": "Li Wei (li.wei2)"}, project=team.project)
    assert form.is_valid()
    assert form.cleaned_data["assignee"].user.username == "li.wei2"


def test_nobody_matching_says_so(team):
    form = AssignForm({"assignee": "zzz"}, project=team.project)
    assert not form.is_valid()
    assert "Nobody in this project matches “zzz”" in form.errors["assignee"][0]


def test_a_member_outside_the_fields_roles_or_project_is_refused(team):
    end_user = team.members[Role.END_USER]
    assert not AssignForm({"assignee": end_user.user.username}, project=team.project).is_valid()
    assert not AssignForm({"assignee": "outsider"}, project=team.project).is_valid()
    assert not AssignForm({"assignee": str(team.outsider.memberships.get().pk)}, project=team.project).is_valid()


def lookup(client, team, **params):
    response = client.get(reverse("people:lookup", args=[team.project.pk]), params)
    assert response.status_code == 200
    return response.json()["results"]


def test_the_lookup_finds_active_members_by_each_word_in_the_roles_asked(team):
    members_bulk(team.project, 30)
    members_bulk(team.project, 2, role=Role.KEY_USER, prefix="ku")
    Membership.objects.filter(user__username="crowd3").update(is_active=False)
    client = team.client_for(Role.KEY_USER)
    found = lookup(client, team, q="person number000", role="end_user")
    assert [r["value"] for r in found] == [f"Person Number000{n} (crowd{n})" for n in (0, 1, 2, 4, 5, 6, 7, 8, 9)]
    assert found[0]["label"] == "Person Number0000 · End user"
    assert len(lookup(client, team, q="person")) == 20
    assert [r["value"] for r in lookup(client, team, q="person", role="key_user,nonsense")] == [
        "Person Number0000 (ku0)",
        "Person Number0001 (ku1)",
    ]
    assert lookup(client, team, q="") == []


def test_the_lookup_never_shows_another_projects_members(team):
    assert lookup(team.client_for(Role.APP_CONSULTANT), team, q="outsider") == []


def issue_page_queries(client, url: str) -> tuple[int, str]:
    html = client.get(url).content.decode()
    return queries_for(client, url), html


@pytest.mark.parametrize("page", ["issues:detail", "issues:update", "issues:create"])
def test_issue_pages_cost_the_same_at_10_and_300_members_and_never_list_them_all(team, issue_make, page):
    issue = issue_make(assignee=team.members[Role.IT_USER])
    args = [team.project.pk] if page == "issues:create" else [team.project.pk, issue.pk]
    url = reverse(page, args=args)
    client = team.client_for(Role.APP_CONSULTANT)
    members_bulk(team.project, 4)
    members_bulk(team.project, 4, role=Role.IT_USER, prefix="it")
    small, small_html = issue_page_queries(client, url)
    assert "Number0003" in small_html  # a small project still gets selects
    members_bulk(team.project, 150)
    members_bulk(team.project, 150, role=Role.IT_USER, prefix="it")
    large, large_html = issue_page_queries(client, url)
    assert_same_queries(small, large, url=url)
    assert "Number0100" not in large_html
    assert len(large_html) < len(small_html) + 5_000
