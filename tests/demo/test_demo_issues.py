"""The demo's issues: every status and severity, a clean module and a blocked one, a training-gap
cluster, and the story of the issue `keyuser` logged for `enduser`."""

import pytest

from demo import issues as issues_demo
from demo.base import seed_team
from issues.models import Issue
from issues.selectors import EMPTY_COUNTS, module_issue_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    """The demo's team and this area's step only (the other areas' steps have their own tests)."""
    team = seed_team(lang="en")
    issues_demo.seed(demo=team)
    return team


@pytest.fixture
def project(demo):
    return demo.project


def test_the_demo_has_issues_in_every_status_and_severity_and_seeding_again_adds_none(project):
    issues = Issue.objects.filter(project=project)
    assert set(issues.values_list("status", flat=True)) == set(Issue.Status.values)
    assert set(issues.values_list("severity", flat=True)) == set(Issue.Severity.values)
    assert set(issues.values_list("category", flat=True)) == set(Issue.Category.values)
    before = issues.count()
    issues_demo.seed(demo=seed_team(lang="en"))
    assert Issue.objects.filter(project=project).count() == before


def test_the_demo_has_a_clean_module_a_blocked_one_and_a_refresher_suggestion(project):
    counts = module_issue_counts(project=project)
    by_code = {m.code: counts.get(m.pk, EMPTY_COUNTS) for m in project.modules.all()}
    assert by_code["co"]["open"] == by_code["qm"]["open"] == 0
    assert by_code["wm"]["open_blocking"] >= 1
    assert by_code["wm"]["overdue"] >= 1
    assert by_code["mm-pur"]["refresher_suggested"]
    assert Issue.objects.filter(project=project).overdue().exists()


def test_the_keyuser_logged_an_issue_for_enduser_that_was_escalated_decided_and_resolved(project):
    issue = Issue.objects.get(project=project, reporter__user__username="keyuser", options__chosen=True)
    assert issue.affected_end_user.user.username == "enduser"
    assert issue.status == Issue.Status.RESOLVED
    assert issue.options.count() == 2
    assert issue.escalations.get().escalated_by.user.username == "keyuser"
    assert issue.decisions.get().decided_by.user.username == "consultant"
    assert issue.comments.exists()
