"""The navigation's search box: issues by number or words, people, modules, training sessions and test
scenarios, grouped by kind, in the person's own projects only and as their role there lets them see."""

import pytest
from django.urls import reverse

from modules.services import module_end_user_add
from people.models import Membership
from search.selectors import PAGE_SIZE, PER_KIND, search
from search.templatetags.search_highlight import highlight
from tests.acceptance.factories import scenario_make
from tests.factories import MembershipFactory, UserFactory
from tests.querycount import assert_same_queries, queries_for
from tests.training.conftest import session_make
from tests.workspaces.conftest import issue_make
from training import services as training_services

pytestmark = pytest.mark.django_db

Role = Membership.Role


def found(results, kind: str) -> list:
    (group,) = [g for g in results.groups if g.kind == kind]
    return group.items


@pytest.fixture
def twins(team):
    """The same words in the team's project and in the other one: only the first may be found."""
    key_user = team.members[Role.KEY_USER]
    end_user = team.members[Role.END_USER]
    outsider = Membership.objects.get(user=team.outsider, project=team.other_project)
    mine = {
        "issue": issue_make(
            team.module, key_user, "Withholding tax posts to the wrong account", affected_end_user=end_user
        ),
        "session": session_make(team, title="Withholding tax for accountants"),
        "scenario": scenario_make(module=team.module, reference="WHT-010", title="Withholding tax on invoices"),
        "person": MembershipFactory(
            project=team.project, role=Role.KEY_USER, department="Withholding tax", user=UserFactory(username="tax.ku")
        ),
    }
    theirs = {
        "issue": issue_make(team.other_module, outsider, "Withholding tax report is empty"),
        "session": session_make(team, module=team.other_module, trainer=outsider, title="Withholding tax basics"),
        "scenario": scenario_make(module=team.other_module, reference="WHT-020", title="Withholding tax report"),
        "person": MembershipFactory(
            project=team.other_project, role=Role.KEY_USER, department="Withholding tax", user=UserFactory()
        ),
    }
    return mine, theirs


def test_an_issue_is_found_by_its_number_with_or_without_the_hash(team):
    issue = issue_make(team.module, team.members[Role.KEY_USER], "Payment run fails")
    for query in (f"#{issue.number}", str(issue.number), f" # {issue.number} "):
        results = search(user=team.user(Role.APP_CONSULTANT), query=query)
        assert found(results, "issues")[0] == issue
        assert found(results, "issues")[0].exact == 0


def test_the_search_box_leads_to_the_issue_page(team):
    issue = issue_make(team.module, team.members[Role.KEY_USER], "Payment run fails")
    response = team.client_for(Role.IT_USER).get(reverse("search:results"), {"q": f"#{issue.number}"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{reverse("issues:detail", args=[team.project.pk, issue.pk])}"' in page
    assert 'id="nav-search"' in page


def test_words_find_every_kind_in_my_projects_and_nothing_in_another(team, twins):
    mine, _theirs = twins
    results = search(user=team.user(Role.APP_CONSULTANT), query="withholding TAX")
    assert found(results, "issues") == [mine["issue"]]
    assert found(results, "sessions") == [mine["session"]]
    assert found(results, "scenarios") == [mine["scenario"]]
    assert found(results, "people") == [mine["person"]]
    assert search(user=team.user(Role.APP_CONSULTANT), query="Finance").groups[2].items == [team.module]


def test_every_word_must_match_somewhere(team, twins):
    mine, _theirs = twins
    assert found(search(user=team.user(Role.KEY_USER), query="tax accountants"), "sessions") == [mine["session"]]
    assert found(search(user=team.user(Role.KEY_USER), query="tax plumbers"), "sessions") == []


@pytest.mark.parametrize("role", [*Role, "outsider"])
def test_search_never_returns_anything_of_a_project_the_person_is_not_a_member_of(team, twins, role):
    _mine, theirs = twins
    user = team.outsider if role == "outsider" else team.user(role)
    results = search(user=user, query="withholding tax")
    shown = {item for group in results.groups for item in group.items}
    if role == "outsider":
        assert theirs["issue"] in shown  # their own project
        shown -= {theirs[kind] for kind in theirs}
    assert not shown & set(theirs.values())
    projects = {getattr(item, "project_id", None) or item.module.project_id for item in shown}
    allowed = set(Membership.objects.filter(user=user, is_active=True).values_list("project_id", flat=True))
    assert projects <= allowed


def test_a_deactivated_membership_is_no_longer_searched(team, twins):
    _mine, _theirs = twins
    membership = team.members[Role.APP_CONSULTANT]
    membership.is_active = False
    membership.save()
    assert search(user=membership.user, query="withholding tax").count == 0


def test_end_users_find_only_their_own_issues_and_sessions(team, twins):
    mine, _theirs = twins
    end_user = team.members[Role.END_USER]
    module_end_user_add(module=team.module, membership=end_user)
    others = issue_make(team.module, team.members[Role.KEY_USER], "Withholding tax rounding")
    invited = session_make(team, title="Withholding tax refresher")
    training_services.attendees_invite(session=invited, memberships=[end_user])
    results = search(user=end_user.user, query="withholding tax")
    assert found(results, "issues") == [mine["issue"]]  # raised for them; not a colleague's
    assert others not in found(results, "issues")
    assert found(results, "sessions") == [invited]
    assert found(results, "people") == found(results, "modules") == found(results, "scenarios") == []


def test_results_are_grouped_by_kind_on_the_page(team, twins):
    page = team.client_for(Role.APP_CONSULTANT).get(reverse("search:results"), {"q": "withholding"}).content.decode()
    for heading in ("Issues", "People", "Training sessions", "Test scenarios"):
        assert f">{heading}</h2>" in page
    assert page.index(">Issues</h2>") < page.index(">People</h2>") < page.index(">Test scenarios</h2>")


def test_a_long_list_shows_the_first_results_and_says_there_are_more(team):
    for n in range(PER_KIND + 2):
        issue_make(team.module, team.members[Role.KEY_USER], f"Goods receipt {n} fails")
    results = search(user=team.user(Role.KEY_USER), query="goods receipt")
    assert len(found(results, "issues")) == PER_KIND
    assert results.groups[0].more
    assert results.groups[0].count == PER_KIND + 2


def test_an_empty_query_finds_nothing_and_explains_what_to_type(team):
    response = team.client_for(Role.KEY_USER).get(reverse("search:results"), {"q": "   "})
    assert response.status_code == 200
    assert response.context["results"].count == 0
    assert "Type an issue number" in response.content.decode()


def test_codes_and_chinese_words_are_found_too(team, twins):
    mine, _theirs = twins
    issue = issue_make(team.module, team.members[Role.KEY_USER], "付款建议中没有任何供应商")
    assert found(search(user=team.user(Role.KEY_USER), query="WHT-010"), "scenarios") == [mine["scenario"]]
    assert found(search(user=team.user(Role.KEY_USER), query="付款建议"), "issues") == [issue]


def test_a_chinese_word_inside_a_description_is_found(team):
    issue = issue_make(
        team.module, team.members[Role.KEY_USER], "Payment proposal", description="付款建议中没有任何供应商"
    )
    assert found(search(user=team.user(Role.KEY_USER), query="没有任何"), "issues") == [issue]


def test_the_issue_with_the_number_comes_first_before_issues_that_mention_it(team):
    issue = issue_make(team.module, team.members[Role.KEY_USER], "Payment run fails")
    mentions = issue_make(team.module, team.members[Role.KEY_USER], f"Same as {issue.number}, on the other bank")
    assert found(search(user=team.user(Role.KEY_USER), query=str(issue.number)), "issues") == [issue, mentions]


def test_the_matched_words_are_marked_and_everything_else_escaped():
    assert highlight("Invoices <b>blocked</b>", ["invoice"]) == "<mark>Invoices</mark> &lt;b&gt;blocked&lt;/b&gt;"
    assert highlight("供应商付款建议", ["付款"]) == "供应商<mark>付款</mark>建议"
    assert highlight("AP-010 & AP-0100", ["ap-010"]) == "<mark>AP-010</mark> &amp; <mark>AP-010</mark>0"
    assert highlight("<i>", ["<"]) == "<mark>&lt;</mark>i&gt;"


def test_a_title_with_markup_is_shown_as_text_with_the_words_marked(team):
    issue_make(team.module, team.members[Role.KEY_USER], '<img src=x onerror="alert(1)"> payment run fails')
    page = team.client_for(Role.KEY_USER).get(reverse("search:results"), {"q": "payment"}).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; <mark>payment</mark> run fails" in page


def test_one_kind_is_listed_page_by_page(team):
    for n in range(PAGE_SIZE + 3):
        issue_make(team.module, team.members[Role.KEY_USER], f"Goods receipt {n} fails")
    client = team.client_for(Role.KEY_USER)
    overview = client.get(reverse("search:results"), {"q": "goods receipt"}).content.decode()
    assert "?q=goods%20receipt&amp;kind=issues" in overview
    first = client.get(reverse("search:results"), {"q": "goods receipt", "kind": "issues"})
    (issues,) = [group for group in first.context["results"].groups if group.items]
    assert (len(issues.items), issues.count, issues.has_next) == (PAGE_SIZE, PAGE_SIZE + 3, True)
    assert "kind=issues&amp;page=2" in first.content.decode()
    second = client.get(reverse("search:results"), {"q": "goods receipt", "kind": "issues", "page": "2"})
    (issues,) = [group for group in second.context["results"].groups if group.items]
    assert (len(issues.items), issues.has_next) == (3, False)
    assert not {item.pk for item in issues.items} & {item.pk for item in first.context["results"].groups[0].items}


@pytest.mark.parametrize("page", ["", "kind=issues&page=2", "kind=nothing&page=99999999999999999999999"])
def test_a_search_runs_the_same_queries_whatever_the_number_of_matches(team, twins, page):
    client = team.client_for(Role.APP_CONSULTANT)
    url = f"{reverse('search:results')}?q=withholding+tax&{page}"

    def more():
        for n in range(PAGE_SIZE + 2):
            issue_make(team.module, team.members[Role.KEY_USER], f"Withholding tax {n}")
            session_make(team, title=f"Withholding tax {n}")
            scenario_make(module=team.module, reference=f"WHT-1{n:02}", title="Withholding tax")

    small = queries_for(client, url)
    more()
    assert_same_queries(small, queries_for(client, url), url=url)
