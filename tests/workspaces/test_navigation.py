"""The navigation shows what the role can use, with the counts of what waits: issues to triage and
attendance to record, for the project of the page and in all on "My work", and the unread notifications."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from issues.models import Issue
from notifications.models import Notification
from notifications.services import notify
from people.models import Membership
from tests.factories import MembershipFactory, ProjectFactory, UserFactory, module_make
from tests.training.conftest import at, session_make
from tests.workspaces.conftest import issue_make

pytestmark = pytest.mark.django_db

Role = Membership.Role


def badge(count: int, label: str) -> str:
    return f'<span class="badge rounded-pill text-bg-warning">{count}<span class="visually-hidden"> {label}</span>'


def test_a_key_user_sees_what_waits_on_the_tabs_and_in_all_on_my_work(team, morning):
    issue_make(team.module, team.members[Role.END_USER], "A request")
    issue_make(team.module, team.members[Role.END_USER], "Another request")
    session_make(team, start=at(-1), title="Yesterday")
    page = team.client_for(Role.KEY_USER).get(reverse("projects:detail", args=[team.project.pk])).content.decode()
    assert badge(2, "to triage") in page
    assert badge(1, "attendance to record") in page
    assert badge(3, "waiting for you") in page


def test_the_navigation_counts_what_waits_and_the_unread_notifications_in_one_query(team, morning):
    key_user = team.members[Role.KEY_USER]
    issue_make(team.module, team.members[Role.END_USER], "A request")  # the Key User is told of it, too
    session_make(team, start=at(-1), title="Yesterday")
    elsewhere = ProjectFactory()
    for project, n in ((elsewhere, 1), (None, 2)):  # unread, wherever they come from
        notify(
            recipients=[key_user.user],
            kind=Notification.Kind.ESCALATED,
            event_key=f"e{n}",
            subject="s",
            project=project,
        )
    with CaptureQueriesContext(connection) as captured:
        page = team.client_for(Role.KEY_USER).get(reverse("home")).content.decode()
    assert badge(2, "waiting for you") in page  # the issue to triage and the attendance to record
    assert '<span class="badge rounded-pill text-bg-danger">3<span class="visually-hidden"> unread' in page
    (counts,) = [q["sql"] for q in captured if "notifications_notification" in q["sql"]]
    assert "issues_issue" in counts
    assert "training_trainingsession" in counts


def test_a_person_in_no_project_sees_their_unread_notifications_and_nothing_waiting(client):
    person = UserFactory(username="newcomer")
    notify(recipients=[person], kind=Notification.Kind.ESCALATED, event_key="e1", subject="s", project=None)
    client.force_login(person)
    page = client.get(reverse("home")).content.decode()
    assert '<span class="badge rounded-pill text-bg-danger">1<span class="visually-hidden"> unread' in page
    assert "waiting for you" not in page


def test_the_tabs_count_only_the_project_of_the_page(team, morning):
    key_user = team.members[Role.KEY_USER]
    elsewhere = ProjectFactory()
    MembershipFactory(project=elsewhere, user=key_user.user, role=Role.KEY_USER)
    module = module_make(project=elsewhere, key_users=[Membership.objects.get(project=elsewhere, user=key_user.user)])
    issue_make(module, module.key_user_assignments.get().membership, "Elsewhere")
    page = team.client_for(Role.KEY_USER).get(reverse("projects:detail", args=[team.project.pk])).content.decode()
    assert "to triage</span>" not in page
    assert badge(1, "waiting for you") in page


def test_nobody_waits_on_a_manager(team, morning):
    issue_make(team.module, team.members[Role.END_USER], "A request")
    page = team.client_for(Role.MANAGER).get(reverse("projects:detail", args=[team.project.pk])).content.decode()
    assert "text-bg-warning" not in page


@pytest.mark.parametrize(
    ("role", "hidden"),
    [
        (Role.END_USER, ["people:list", "modules:list", "acceptance:cycle_list"]),
        (Role.MANAGER, []),
        (Role.IT_USER, []),
    ],
)
def test_the_tabs_show_only_what_the_role_may_open(team, role, hidden):
    client = team.client_for(role)
    page = client.get(reverse("projects:detail", args=[team.project.pk])).content.decode()
    for name in hidden:
        assert f'href="{reverse(name, args=[team.project.pk])}"' not in page
    tabs = page[page.index('<ul class="nav nav-tabs') : page.index("</ul>", page.index('<ul class="nav nav-tabs'))]
    for href in tabs.split('href="')[1:]:
        url = href.split('"')[0]
        assert client.get(url).status_code == 200, url


def test_the_navigation_has_the_search_box_and_my_work(team):
    page = team.client_for(Role.END_USER).get(reverse("home")).content.decode()
    assert f'action="{reverse("search:results")}"' in page
    assert 'aria-current="page" href="/"' in page


def test_a_projects_page_and_its_navigation_share_one_read_of_the_persons_memberships(team, morning):
    issue_make(team.module, team.members[Role.END_USER], "A request")
    client = team.client_for(Role.KEY_USER)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("projects:detail", args=[team.project.pk])).content.decode()
    assert badge(1, "to triage") in page
    reads = [q["sql"] for q in captured if q["sql"].startswith('SELECT "people_membership"."id"')]
    assert len(reads) == 1, reads


def test_a_consultant_counts_the_new_issues_at_their_tier_given_to_nobody_and_those_given_to_them(team, morning):
    reporter, consultant = team.members[Role.END_USER], team.members[Role.APP_CONSULTANT]
    at_their_tier = issue_make(team.module, reporter, "Escalated to the consultants")
    given_to_them = issue_make(team.module, reporter, "Given to the consultant")
    taken = issue_make(team.module, reporter, "Escalated and taken by someone else")
    issue_make(team.module, reporter, "Still with the Key User")
    Issue.objects.filter(pk=at_their_tier.pk).update(tier=Issue.Tier.CONSULTANT)
    Issue.objects.filter(pk=given_to_them.pk).update(assignee=consultant)
    Issue.objects.filter(pk=taken.pk).update(tier=Issue.Tier.CONSULTANT, assignee=team.members[Role.TECH_CONSULTANT])
    client = team.client_for(Role.APP_CONSULTANT)
    page = client.get(reverse("projects:detail", args=[team.project.pk])).content.decode()
    assert badge(2, "to triage") in page
