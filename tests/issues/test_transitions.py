"""The issue workflow: which role may move an issue from which status to which, per the policy table."""

import itertools

import pytest
from django.core.exceptions import ValidationError

from erpteam.permissions import ISSUE_TRANSITIONS
from issues import services
from issues.models import Issue, IssueEvent
from people.models import Membership

pytestmark = pytest.mark.django_db

Role = Membership.Role
Status = Issue.Status


def put_in(issue: Issue, status: str, waiting_on: Membership) -> Issue:
    """Test setup: place the issue in a status directly, whatever path it took to get there."""
    Issue.objects.filter(pk=issue.pk).update(status=status, waiting_on=waiting_on if status == Status.WAITING else None)
    return Issue.objects.get(pk=issue.pk)


def move(issue, to_status, actor, team):
    return services.issue_transition(
        issue=issue,
        to_status=to_status,
        actor=actor,
        waiting_on=team.members[Role.IT_USER],
        resolution="Fixed in the posting period table.",
    )


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_make_exactly_the_transitions_the_policy_table_gives_it(team, issue_make, role):
    actor = team.members[role]
    issue = issue_make()
    for before, after in itertools.permutations(Status.values, 2):
        issue = put_in(issue, before, team.members[Role.KEY_USER])
        allowed = role in ISSUE_TRANSITIONS.get((before, after), ())
        if allowed:
            assert move(issue, after, actor, team).status == after, (before, after)
        else:
            with pytest.raises(ValidationError):
                move(issue, after, actor, team)
            assert Issue.objects.get(pk=issue.pk).status == before


def test_the_workflow_runs_from_new_to_closed_and_reopens(team, issue_make):
    key_user = team.members[Role.KEY_USER]
    issue = issue_make()
    for status in (Status.TRIAGED, Status.IN_PROGRESS, Status.WAITING, Status.IN_PROGRESS, Status.RESOLVED):
        issue = move(issue, status, key_user, team)
    assert issue.resolved_at is not None
    issue = move(issue, Status.CLOSED, key_user, team)
    assert issue.closed_at is not None
    issue = move(issue, Status.IN_PROGRESS, team.members[Role.APP_CONSULTANT], team)
    assert (issue.status, issue.resolved_at, issue.closed_at) == (Status.IN_PROGRESS, None, None)
    statuses = list(IssueEvent.objects.filter(issue=issue, kind=IssueEvent.Kind.STATUS).values_list("before", "after"))
    assert statuses[0] == ("new", "triaged")
    assert statuses[-1] == ("closed", "in_progress")
    assert len(statuses) == 7


def test_an_it_user_may_not_close_and_is_told_who_can(team, issue_make):
    issue = put_in(issue_make(), Status.RESOLVED, None)
    with pytest.raises(ValidationError) as refused:
        move(issue, Status.CLOSED, team.members[Role.IT_USER], team)
    assert refused.value.messages == [
        "As IT user you cannot move an issue from Resolved to Closed; ask a Key User or a consultant."
    ]


def test_an_edge_missing_from_the_workflow_is_refused_for_everyone(team, issue_make):
    with pytest.raises(ValidationError) as refused:
        move(issue_make(), Status.CLOSED, team.members[Role.APP_CONSULTANT], team)
    assert refused.value.messages == ["An issue cannot go from New to Closed."]


def test_a_manager_cannot_move_an_issue(team, issue_make):
    with pytest.raises(ValidationError, match="As Manager you cannot move an issue from New to Triaged"):
        move(issue_make(), Status.TRIAGED, team.members[Role.MANAGER], team)


def test_waiting_names_the_person_waited_on(team, issue_make):
    issue = put_in(issue_make(), Status.IN_PROGRESS, None)
    with pytest.raises(ValidationError, match="Name the person the issue is waiting on"):
        services.issue_transition(issue=issue, to_status=Status.WAITING, actor=team.members[Role.KEY_USER])
    issue = services.issue_transition(
        issue=issue, to_status=Status.WAITING, actor=team.members[Role.KEY_USER], waiting_on=team.members[Role.IT_USER]
    )
    assert issue.waiting_on == team.members[Role.IT_USER]
    issue = services.issue_transition(issue=issue, to_status=Status.IN_PROGRESS, actor=team.members[Role.KEY_USER])
    assert issue.waiting_on is None


def test_resolving_needs_a_resolution(team, issue_make):
    issue = put_in(issue_make(), Status.IN_PROGRESS, None)
    with pytest.raises(ValidationError, match="Describe the resolution"):
        services.issue_transition(issue=issue, to_status=Status.RESOLVED, actor=team.members[Role.KEY_USER])
    assert Issue.objects.get(pk=issue.pk).status == Status.IN_PROGRESS


def test_someone_from_another_project_cannot_be_waited_on(team, issue_make):
    issue = put_in(issue_make(), Status.IN_PROGRESS, None)
    outsider = team.other_module.key_user_assignments.get().membership
    with pytest.raises(ValidationError, match="is not an active member of this project"):
        services.issue_transition(
            issue=issue, to_status=Status.WAITING, actor=team.members[Role.KEY_USER], waiting_on=outsider
        )


def test_only_key_users_and_consultants_close_or_reopen_and_end_users_and_managers_never_move_issues():
    closers = {Role.KEY_USER, Role.APP_CONSULTANT, Role.TECH_CONSULTANT}
    for (before, after), roles in ISSUE_TRANSITIONS.items():
        if after == Status.CLOSED or before in (Status.RESOLVED, Status.CLOSED):
            assert set(roles) == closers, (before, after)
        assert Role.END_USER not in roles
        assert Role.MANAGER not in roles


def test_the_timeline_notes_whom_the_issue_waited_on_and_the_resolution(team, issue_make):
    key_user, end_user = team.members[Role.KEY_USER], team.members[Role.END_USER]
    issue = put_in(issue_make(), Status.IN_PROGRESS, None)
    services.issue_transition(
        issue=issue, to_status=Status.WAITING, actor=key_user, waiting_on=end_user, note="Which invoice?"
    )
    services.issue_transition(issue=issue, to_status=Status.RESOLVED, actor=key_user, resolution="Reposted.")
    notes = list(issue.events.filter(kind=IssueEvent.Kind.STATUS).values_list("note", flat=True))
    name = end_user.user.display_name
    assert notes == [f"Waiting on {name}. · Which invoice?", f"No longer waiting on {name}. · Reposted."]
