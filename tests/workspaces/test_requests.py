"""End users ask for help themselves: the request is a new issue of the module, its Key Users (and no one
outside the project) hear of it, and the end user follows it and answers questions on it."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from issues import services as issue_services
from issues.models import Issue
from modules.services import key_user_assign, module_end_user_add
from notifications.models import Notification
from people.models import Membership
from tests.acceptance.factories import PNG
from tests.factories import MembershipFactory, module_make
from tests.workspaces.conftest import home_groups, pks

pytestmark = pytest.mark.django_db

Role = Membership.Role


@pytest.fixture
def backup(team):
    """A second Key User of Finance, as backup."""
    membership = MembershipFactory(project=team.project, role=Role.KEY_USER)
    key_user_assign(module=team.module, membership=membership, kind="backup")
    return membership


@pytest.fixture
def request_issue(team, backup, django_capture_on_commit_callbacks) -> Issue:
    end_user = team.members[Role.END_USER]
    module_end_user_add(module=team.module, membership=end_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = team.client_for(Role.END_USER).post(
            reverse("issues:create", args=[team.project.pk]),
            {
                "module": team.module.pk,
                "title": "The payment run stops with an error",
                "description": "I clicked Start and got message F0 123.",
                "attachments": [SimpleUploadedFile("error.png", PNG, content_type="image/png")],
            },
        )
    issue = Issue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("issues:detail", args=[team.project.pk, issue.pk])
    return issue


def test_the_request_is_a_new_issue_of_the_module_with_its_screenshot(team, request_issue):
    end_user = team.members[Role.END_USER]
    assert request_issue.status == Issue.Status.NEW
    assert request_issue.module == team.module
    assert request_issue.reporter == request_issue.affected_end_user == end_user
    assert request_issue.tier == Issue.Tier.KEY_USER
    assert [a.name for a in request_issue.attachments.all()] == ["error.png"]


def test_the_request_reaches_the_modules_key_users_and_no_one_outside_the_project(team, backup, request_issue):
    told = set(
        Notification.objects.filter(kind=Notification.Kind.REQUEST).values_list("recipient__username", flat=True)
    )
    assert told == {team.user(Role.KEY_USER).username, backup.user.username}
    assert {address for message in mail.outbox for address in message.to} == {
        team.user(Role.KEY_USER).email,
        backup.user.email,
    }
    assert not Notification.objects.filter(recipient=team.outsider).exists()
    assert not Notification.objects.exclude(project=team.project).exists()


def test_a_key_user_of_another_module_is_not_told(team, django_capture_on_commit_callbacks):
    other_key_user = MembershipFactory(project=team.project, role=Role.KEY_USER)
    warehouse = module_make(project=team.project, name="Warehouse", key_users=[other_key_user])
    end_user = team.members[Role.END_USER]
    issue_services.issue_create(
        module=team.module,
        title="Help",
        description="Stuck",
        category=Issue.Category.QUESTION,
        severity=Issue.Severity.S3,
        reporter=end_user,
    )
    assert warehouse.pk != team.module.pk
    assert not Notification.objects.filter(recipient=other_key_user.user).exists()


def test_the_key_user_finds_it_to_triage_and_the_end_user_follows_it(team, request_issue):
    key_user_block = home_groups(team.client_for(Role.KEY_USER))[team.project]["block"]
    assert pks(key_user_block["issues_to_triage"]) == [request_issue.pk]
    end_user_block = home_groups(team.client_for(Role.END_USER))[team.project]["block"]
    assert pks(end_user_block["requests"]) == [request_issue.pk]
    page = team.client_for(Role.END_USER).get(reverse("issues:detail", args=[team.project.pk, request_issue.pk]))
    assert page.status_code == 200
    assert "New" in page.content.decode()


def test_the_end_user_is_asked_a_question_and_their_answer_reaches_the_key_users(team, backup, request_issue):
    key_user, end_user = team.members[Role.KEY_USER], team.members[Role.END_USER]
    issue_services.issue_transition(issue=request_issue, to_status="triaged", actor=key_user)
    issue_services.issue_transition(
        issue=request_issue, to_status="waiting", actor=key_user, waiting_on=end_user, note="Which company code?"
    )
    assert Notification.objects.filter(recipient=end_user.user, subject__contains="waiting on you").exists()
    page = team.client_for(Role.END_USER).get(reverse("home")).content.decode()
    assert "A question for you" in page

    response = team.client_for(Role.END_USER).post(
        reverse("issues:comment", args=[team.project.pk, request_issue.pk]), {"body": "Company code 1000."}
    )
    assert response.status_code == 302
    answered = Notification.objects.filter(kind=Notification.Kind.COMMENT, subject__contains="New comment")
    assert set(answered.values_list("recipient", flat=True)) == {key_user.user_id, backup.user_id}


def test_once_someone_took_the_request_the_answer_goes_to_them(team, backup, request_issue):
    key_user, end_user = team.members[Role.KEY_USER], team.members[Role.END_USER]
    issue_services.issue_assign(issue=request_issue, assignee=key_user, actor=key_user)
    issue_services.comment_add(issue=request_issue, author=end_user, body="Company code 1000.")
    answered = Notification.objects.filter(kind=Notification.Kind.COMMENT)
    assert list(answered.values_list("recipient", flat=True)) == [key_user.user_id]
