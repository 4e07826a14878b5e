"""The issue list and the issue page run the same number of queries whatever the data size."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from issues import services
from issues.models import Comment, Issue, IssueEvent, SolutionOption
from people.models import Membership
from tests.factories import MembershipFactory
from tests.querycount import assert_same_queries, queries_for

pytestmark = pytest.mark.django_db

Role = Membership.Role


def issues_bulk(team, count: int) -> None:
    """Many issues at once (bulk, for speed), across statuses, severities, people and SLA states."""
    key_user = team.members[Role.KEY_USER]
    people = [MembershipFactory(project=team.project, role=Role.END_USER) for _ in range(3)]
    start = (
        Issue.objects.filter(project=team.project).order_by("-number").values_list("number", flat=True).first()
    ) or 0
    now = timezone.now()
    statuses = Issue.Status.values
    Issue.objects.bulk_create(
        [
            Issue(
                project=team.project,
                number=start + n + 1,
                module=team.module,
                title=f"Issue {n}",
                category=Issue.Category.values[n % 5],
                severity=Issue.Severity.values[n % 4],
                status=statuses[n % 6],
                waiting_on=key_user if statuses[n % 6] == Issue.Status.WAITING else None,
                reporter=key_user,
                affected_end_user=people[n % 3],
                assignee=team.members[Role.IT_USER] if n % 2 else None,
                blocks_go_live=n % 3 == 0,
                respond_due=now - datetime.timedelta(hours=n % 48),
                resolve_due=now + datetime.timedelta(hours=24 - n % 48),
            )
            for n in range(count)
        ],
        batch_size=1000,
    )


@pytest.mark.parametrize("role", [Role.KEY_USER, Role.END_USER, Role.MANAGER])
@pytest.mark.parametrize("query", ["", "?view=overdue&sort=severity", "?status=open&blocks_go_live=true&page=2"])
def test_the_issue_list_runs_the_same_queries_for_50_and_5000_issues(team, role, query):
    client = team.client_for(role)
    url = reverse("issues:list", args=[team.project.pk]) + query
    issues_bulk(team, 50)
    small = queries_for(client, url)
    issues_bulk(team, 4950)
    assert_same_queries(small, queries_for(client, url), url=url)
    print(f"{role} {query or '(no filter)'}: {small} queries")


def conversation(issue, team, count: int) -> None:
    authors = [team.members[r] for r in (Role.KEY_USER, Role.APP_CONSULTANT, Role.IT_USER)]
    Comment.objects.bulk_create(
        [Comment(issue=issue, author=authors[n % 3], body=f"Comment {n}") for n in range(count)]
    )
    SolutionOption.objects.bulk_create(
        [SolutionOption(issue=issue, author=authors[n % 3], summary=f"Option {n}") for n in range(count)]
    )
    IssueEvent.objects.bulk_create(
        [IssueEvent(issue=issue, actor=authors[n % 3], kind="commented") for n in range(count)]
    )


@pytest.mark.parametrize("role", [Role.APP_CONSULTANT, Role.KEY_USER, Role.END_USER])
def test_the_issue_page_runs_the_same_queries_for_2_and_50_comments_and_options(team, issue_make, png, role):
    issue = issue_make(attachments=[png()])
    consultant = team.members[Role.APP_CONSULTANT]
    services.issue_escalate(issue=issue, to_tier="consultant", reason="Config", actor=team.members[Role.KEY_USER])
    client = team.client_for(role)
    url = reverse("issues:detail", args=[team.project.pk, issue.pk])
    conversation(issue, team, 2)
    option = issue.options.first()
    services.issue_decide(issue=issue, option=option, reason="Best", actor=consultant)
    small = queries_for(client, url)
    conversation(issue, team, 48)
    services.issue_escalate(issue=issue, to_tier="technical", reason="Interface", actor=consultant)
    services.attachment_add(issue=issue, upload=png("second.png"), uploaded_by=consultant)
    large = queries_for(client, url)
    assert_same_queries(small, large, url=url)
    print(f"{role}: {small} queries")
