"""The SLA clock: due times on logging and escalation, the pause while waiting on the requester, the
overdue flag and the breach notice sent once. Time is frozen."""

import datetime

import pytest
import time_machine
from django.core import mail

from issues import services
from issues.models import Issue, SlaBreach
from issues.tasks import issues_sla_breaches_check
from notifications.models import Notification
from people.models import Membership

pytestmark = pytest.mark.django_db

Role = Membership.Role
Status = Issue.Status
T0 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def at(hours: float) -> datetime.datetime:
    return T0 + datetime.timedelta(hours=hours)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield lambda hours: traveller.move_to(at(hours))


def test_due_times_come_from_the_projects_policy_created_with_defaults(team, issue_make, clock):
    issue = issue_make(severity=Issue.Severity.S2)
    assert (issue.respond_due, issue.resolve_due) == (at(4), at(24))
    assert team.project.sla_policy.hours(Issue.Severity.S1) == (1, 8)


def test_a_policy_change_applies_to_issues_logged_afterwards(team, issue_make, clock):
    earlier = issue_make(severity=Issue.Severity.S3)
    policy = services.sla_policy_get_or_create(project=team.project)
    services.sla_policy_update(policy=policy, s3_respond_hours=2, s3_resolve_hours=10)
    later = issue_make(severity=Issue.Severity.S3)
    assert earlier.resolve_due == at(72)
    assert (later.respond_due, later.resolve_due) == (at(2), at(10))


def test_a_policy_cannot_resolve_before_it_responds(team):
    policy = services.sla_policy_get_or_create(project=team.project)
    with pytest.raises(Exception, match="cannot be shorter than the time to respond"):
        services.sla_policy_update(policy=policy, s1_respond_hours=10, s1_resolve_hours=5)


def test_a_new_severity_moves_the_due_times(team, issue_make, clock):
    issue = issue_make(severity=Issue.Severity.S3)
    clock(1)
    issue = services.issue_update(issue=issue, actor=team.members[Role.KEY_USER], severity=Issue.Severity.S1)
    assert (issue.respond_due, issue.resolve_due) == (at(1), at(8))


def test_escalation_restarts_the_clock_for_the_new_tier(team, issue_make, clock):
    issue = issue_make(severity=Issue.Severity.S2)
    services.issue_transition(issue=issue, to_status=Status.TRIAGED, actor=team.members[Role.KEY_USER])
    clock(10)
    issue = services.issue_escalate(
        issue=issue, to_tier=Issue.Tier.CONSULTANT, reason="Configuration", actor=team.members[Role.KEY_USER]
    )
    assert (issue.respond_due, issue.resolve_due) == (at(14), at(34))
    assert issue.first_response_at is None


def test_the_clock_stops_while_waiting_on_the_requester_and_the_due_times_move_by_the_pause(team, issue_make, clock):
    key_user, end_user = team.members[Role.KEY_USER], team.members[Role.END_USER]
    issue = issue_make(severity=Issue.Severity.S2)
    clock(2)
    issue = services.issue_transition(issue=issue, to_status=Status.TRIAGED, actor=key_user)
    issue = services.issue_transition(issue=issue, to_status=Status.WAITING, actor=key_user, waiting_on=end_user)
    assert issue.sla_paused
    clock(30)  # past the resolve due time, but the clock stands still
    assert not issue.is_overdue
    assert not Issue.objects.overdue().exists()
    issue = services.issue_transition(issue=issue, to_status=Status.IN_PROGRESS, actor=key_user)
    assert not issue.sla_paused
    assert issue.sla_paused_total == datetime.timedelta(hours=28)
    assert issue.resolve_due == at(24 + 28)
    assert not issue.is_overdue


def test_waiting_on_someone_else_keeps_the_clock_running(team, issue_make, clock):
    key_user = team.members[Role.KEY_USER]
    issue = issue_make(severity=Issue.Severity.S2)
    issue = services.issue_transition(issue=issue, to_status=Status.TRIAGED, actor=key_user)
    issue = services.issue_transition(
        issue=issue, to_status=Status.WAITING, actor=key_user, waiting_on=team.members[Role.IT_USER]
    )
    assert not issue.sla_paused
    clock(25)
    assert Issue.objects.get(pk=issue.pk).is_overdue
    assert list(Issue.objects.overdue()) == [issue]


def test_an_unanswered_issue_is_overdue_once_the_response_time_passes(team, issue_make, clock):
    issue = issue_make(severity=Issue.Severity.S2)
    clock(3)
    assert not Issue.objects.get(pk=issue.pk).is_overdue
    clock(5)
    assert Issue.objects.get(pk=issue.pk).is_overdue
    services.comment_add(issue=issue, author=team.members[Role.KEY_USER], body="Looking at it.")
    assert not Issue.objects.get(pk=issue.pk).is_overdue


def test_a_resolved_issue_is_never_overdue(team, issue_make, clock):
    issue = issue_make(severity=Issue.Severity.S1)
    services.issue_transition(issue=issue, to_status=Status.TRIAGED, actor=team.members[Role.KEY_USER])
    services.issue_transition(
        issue=issue, to_status=Status.RESOLVED, actor=team.members[Role.KEY_USER], resolution="Done."
    )
    clock(100)
    assert not Issue.objects.overdue().exists()


def test_a_breach_notifies_the_assignee_and_the_modules_key_users_once(
    team, issue_make, clock, django_capture_on_commit_callbacks
):
    key_user, it_user = team.members[Role.KEY_USER], team.members[Role.IT_USER]
    issue = issue_make(severity=Issue.Severity.S2)
    services.issue_transition(issue=issue, to_status=Status.TRIAGED, actor=key_user)
    services.issue_assign(issue=issue, assignee=it_user, actor=key_user)
    mail.outbox.clear()
    clock(23)
    with django_capture_on_commit_callbacks(execute=True):
        assert issues_sla_breaches_check.delay().get() == 0
    clock(25)
    with django_capture_on_commit_callbacks(execute=True):
        assert issues_sla_breaches_check.delay().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert issues_sla_breaches_check.delay().get() == 0
    breaches = Notification.objects.filter(kind=Notification.Kind.SLA_BREACH)
    assert sorted(n.recipient.username for n in breaches) == ["ituser", "keyuser"]
    assert sorted(m.to[0] for m in mail.outbox) == ["ituser@example.com", "keyuser@example.com"]
    assert "SLA breached on issue #1" in mail.outbox[0].subject
    assert SlaBreach.objects.get().kind == SlaBreach.Kind.RESOLVE
    assert issue.events.filter(kind="sla_breached").count() == 1


def test_a_missed_response_and_a_missed_resolution_are_two_breaches(team, issue_make, clock):
    issue_make(severity=Issue.Severity.S1)
    clock(2)
    assert services.sla_breaches_record() == 1
    clock(9)
    assert services.sla_breaches_record() == 1
    assert set(SlaBreach.objects.values_list("kind", flat=True)) == {"respond", "resolve"}


def test_after_an_escalation_a_new_breach_is_announced_again(team, issue_make, clock):
    issue = issue_make(severity=Issue.Severity.S1)
    clock(9)
    assert services.sla_breaches_record() == 2
    services.issue_escalate(
        issue=issue, to_tier=Issue.Tier.TECHNICAL, reason="Needs IT", actor=team.members[Role.KEY_USER]
    )
    assert services.sla_breaches_record() == 0
    clock(18)
    assert services.sla_breaches_record() == 2
    assert Notification.objects.filter(kind=Notification.Kind.SLA_BREACH, recipient__username="keyuser").count() == 2


def test_a_paused_issue_is_not_reported_as_breached(team, issue_make, clock):
    issue = issue_make(severity=Issue.Severity.S2)
    services.issue_transition(issue=issue, to_status=Status.TRIAGED, actor=team.members[Role.KEY_USER])
    services.issue_transition(
        issue=issue, to_status=Status.WAITING, actor=team.members[Role.KEY_USER], waiting_on=team.members[Role.END_USER]
    )
    clock(200)
    assert services.sla_breaches_record() == 0
