"""The SLA breach sweep at size: breaches recorded in bulk, one digest per person per sweep, nothing
announced for a legacy issue log loaded after its due times, and the same queries however many issues
are overdue. Time is frozen."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from issues import services
from issues.models import Issue, IssueEvent, SlaBreach
from notifications.models import Notification
from people.models import Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
Role = Membership.Role


def overdue_load(team, count: int, *, recorded_at: datetime.datetime, assignees: list[Membership]) -> None:
    """`count` open issues, resolution due an hour before T0, responded to, loaded in one statement."""
    Issue.objects.bulk_create(
        Issue(
            project=team.project,
            number=number,
            module=team.module,
            title=f"Legacy issue {number}",
            category=Issue.Category.DEFECT,
            severity=Issue.Severity.S3,
            status=Issue.Status.IN_PROGRESS,
            reporter=team.members[Role.KEY_USER],
            assignee=assignees[number % len(assignees)],
            sla_started_at=T0 - datetime.timedelta(days=5),
            created_at=T0 - datetime.timedelta(days=5),
            recorded_at=recorded_at,
            first_response_at=T0 - datetime.timedelta(days=4),
            respond_due=T0 - datetime.timedelta(days=4),
            resolve_due=T0 - datetime.timedelta(hours=1),
        )
        for number in range(1, count + 1)
    )


@pytest.fixture
def assignees(team):
    return [MembershipFactory(project=team.project, role=Role.IT_USER) for _ in range(4)]


@pytest.mark.parametrize("overdue", [2, 12])
def test_a_sweep_that_finds_nothing_new_is_one_query(issue_make, django_assert_num_queries, overdue):
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(overdue):
            issue_make(severity=Issue.Severity.S1)
        clock.move_to(T0 + datetime.timedelta(hours=9))
        assert services.sla_breaches_record() == 2 * overdue
        with django_assert_num_queries(1):
            assert services.sla_breaches_record() == 0


def test_a_sweep_runs_the_same_queries_for_a_few_breaches_or_many(team, assignees):
    counts = []
    for count in (3, 30):
        Issue.objects.all().delete()
        overdue_load(team, count, recorded_at=T0 - datetime.timedelta(days=5), assignees=assignees)
        with CaptureQueriesContext(connection) as captured:
            assert services.sla_breaches_record(now=T0 + datetime.timedelta(minutes=count)) == count
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_thousands_of_breaches_send_each_person_one_digest(team, assignees, django_capture_on_commit_callbacks):
    overdue_load(team, 3000, recorded_at=T0 - datetime.timedelta(days=5), assignees=assignees)
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
        assert services.sla_breaches_record(now=T0) == 3000
    # A few statements per batch of rows written, never one per issue.
    assert len(captured) < 100, len(captured)
    assert SlaBreach.objects.count() == IssueEvent.objects.filter(kind=IssueEvent.Kind.SLA_BREACHED).count() == 3000
    key_user = team.members[Role.KEY_USER].user
    people = {m.user for m in assignees} | {key_user}
    digests = Notification.objects.filter(kind=Notification.Kind.SLA_BREACH)
    assert sorted(n.recipient_id for n in digests) == sorted(user.pk for user in people)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(user.email for user in people)
    theirs = digests.get(recipient=assignees[0].user)
    assert theirs.subject == "750 SLA breaches on your issues"
    assert theirs.url.endswith("?overdue=true")
    assert "#4 Legacy issue 4: Not resolved in time" in theirs.body
    assert "and 700 more." in theirs.body
    assert digests.get(recipient=key_user).subject == "3000 SLA breaches on your issues"


def test_a_legacy_issue_log_loaded_after_its_due_times_announces_nothing(
    team, assignees, django_capture_on_commit_callbacks
):
    overdue_load(team, 500, recorded_at=T0, assignees=assignees)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sla_breaches_record(now=T0 + datetime.timedelta(minutes=5)) == 500
    assert SlaBreach.objects.count() == 500  # recorded, and on each issue's timeline
    assert not Notification.objects.filter(kind=Notification.Kind.SLA_BREACH).exists()
    assert mail.outbox == []


def test_an_issue_that_breaches_after_the_import_is_announced(team, assignees, issue_make):
    overdue_load(team, 50, recorded_at=T0, assignees=assignees)
    with time_machine.travel(T0, tick=False) as clock:
        issue = issue_make(severity=Issue.Severity.S1, assignee=assignees[0])
        clock.move_to(T0 + datetime.timedelta(hours=9))
        assert services.sla_breaches_record() == 52
    digest = Notification.objects.get(kind=Notification.Kind.SLA_BREACH, recipient=assignees[0].user)
    assert digest.subject == "2 SLA breaches on your issues"
    assert digest.body.splitlines() == [
        f"#{issue.number} {issue.title}: No response in time",
        f"#{issue.number} {issue.title}: Not resolved in time",
    ]
