"""Reads shared with other pages: what each member sees, and the per-module counts the module page and
the readiness dashboard show."""

import datetime

import pytest
import time_machine

from issues import selectors, services
from issues.models import Issue
from people.models import Membership
from tests.factories import module_make

pytestmark = pytest.mark.django_db

Role = Membership.Role
Status = Issue.Status
T0 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def test_counts_per_module_are_one_query_and_count_only_what_is_open(team, issue_make, django_assert_num_queries):
    key_user = team.members[Role.KEY_USER]
    clean = module_make(project=team.project, code="co", name="Controlling")
    other = module_make(project=team.project, code="wh", name="Warehouse")
    with time_machine.travel(T0, tick=False) as clock:
        issue_make(severity="s1", blocks_go_live=True)
        issue_make(severity="s2")
        for _ in range(3):
            issue_make(severity="s4", category=Issue.Category.TRAINING_GAP)
        settled = issue_make(module=clean, severity="s1", blocks_go_live=True)
        services.issue_transition(issue=settled, to_status=Status.TRIAGED, actor=key_user)
        services.issue_transition(issue=settled, to_status=Status.RESOLVED, actor=key_user, resolution="Done")
        issue_make(module=other, severity="s3", category=Issue.Category.TRAINING_GAP)
        clock.move_to(T0 + datetime.timedelta(hours=9))
        with django_assert_num_queries(1):
            counts = selectors.module_issue_counts(project=team.project)
        # A module's page counts the same way, for that module alone.
        assert selectors.module_issue_summary(module=other) == counts[other.pk]
        assert selectors.module_issue_summary(module=clean) == selectors.EMPTY_COUNTS
    assert counts[team.module.pk] == {
        "open": 5,
        "open_s1": 1,
        "open_s2": 1,
        "open_s3": 0,
        "open_s4": 3,
        "open_blocking": 1,
        "open_s1_s2": 2,
        "open_blocking_or_s1_s2": 2,  # the blocking S1 counts once
        "overdue": 2,  # the S1 (resolve 8h) and the S2 (respond 4h) are past due; the S4s are not
        "open_training_gap": 3,
        "refresher_suggested": True,
    }
    assert counts.get(clean.pk, selectors.EMPTY_COUNTS)["open"] == 0
    assert counts.get(clean.pk, selectors.EMPTY_COUNTS)["open_blocking"] == 0
    assert counts[other.pk]["refresher_suggested"] is False
    assert selectors.module_issue_counts(project=team.other_project) == {}


def test_counts_per_module_can_be_only_those_a_page_needs(team, issue_make):
    issue_make(severity="s1", blocks_go_live=True)
    issue_make(severity="s4", category=Issue.Category.TRAINING_GAP)
    counts = selectors.module_issue_counts(project=team.project, names=("open", "open_blocking"))
    assert counts == {team.module.pk: {"open": 2, "open_blocking": 1}}
    assert selectors.module_issue_counts(project=team.project)[team.module.pk]["open_training_gap"] == 1


def test_a_member_sees_the_whole_project_and_an_end_user_only_their_issues(team, issue_make):
    raised_for_them = issue_make()
    reported_by_them = issue_make(reporter=team.members[Role.END_USER], affected_end_user=None)
    internal = issue_make(affected_end_user=None)
    for role in (Role.APP_CONSULTANT, Role.KEY_USER, Role.IT_USER, Role.MANAGER):
        visible = selectors.issues_visible(membership=team.members[role])
        assert set(visible) == {raised_for_them, reported_by_them, internal}
    assert set(selectors.issues_visible(membership=team.members[Role.END_USER])) == {raised_for_them, reported_by_them}
