"""Large synthetic rollouts (`seed_demo --scale N`), at a small size."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from acceptance import models as acceptance
from demo import scale
from demo.base import DEMO_PASSWORD
from issues.models import Comment, Issue, IssueEvent, SlaBreach, SolutionOption
from issues.services import sla_breaches_record
from modules.models import BusinessModule, KeyUserAssignment, ModuleEndUser
from people.models import Membership
from projects.models import Project
from training.models import Attendance, TrainingSession

pytestmark = pytest.mark.django_db

SMALL = scale.Size(modules=4, people=80, sessions=30, issues=300, scenarios_per_module=2, steps_per_scenario=3)


@pytest.fixture
def rollout():
    return scale.seed(count=1, size=SMALL)[0]


def test_a_synthetic_rollout_has_the_size_asked_for(rollout):
    assert rollout.code == "scale-1"
    assert BusinessModule.objects.filter(project=rollout).count() == 4
    assert Membership.objects.filter(project=rollout).count() == 80
    assert TrainingSession.objects.filter(module__project=rollout).count() == 30
    assert Issue.objects.filter(project=rollout).count() == 300
    assert Attendance.objects.filter(session__module__project=rollout).count() > 80
    end_users = Membership.objects.filter(project=rollout, role=Membership.Role.END_USER)
    working = ModuleEndUser.objects.filter(module__project=rollout).values("membership").distinct()
    assert working.count() == end_users.count() > 0
    assert not end_users.filter(department="").exists()
    assert Membership.history.filter(project_id=rollout.pk, department="").count() == 34  # vendor, IT, PMO


def test_issues_come_with_comments_a_timeline_and_their_history(rollout):
    issues = Issue.objects.filter(project=rollout)
    assert list(issues.order_by("number").values_list("number", flat=True)) == list(range(1, 301))
    assert Comment.objects.filter(issue__project=rollout).exists()
    assert IssueEvent.objects.filter(issue__project=rollout, kind=IssueEvent.Kind.LOGGED).count() == 300
    assert Issue.history.filter(project_id=rollout.pk).count() == 300
    logged = issues.order_by("pk").first()
    assert Issue.history.get(id=logged.pk).history_date == logged.created_at


def test_every_issue_in_a_workflow_state_is_consistent(rollout):
    issues = Issue.objects.filter(project=rollout)
    assert not issues.filter(status=Issue.Status.WAITING, waiting_on__isnull=True).exists()
    assert not issues.filter(status__in=Issue.OPEN_STATUSES, resolved_at__isnull=False).exists()
    assert not issues.filter(status=Issue.Status.CLOSED, closed_at__isnull=True).exists()
    assert not issues.exclude(status=Issue.Status.NEW).filter(assignee__isnull=True).exists()


def test_every_module_has_a_primary_key_user_and_most_a_backup():
    rollout = scale.seed(count=1, size=scale.Size(modules=20, people=120, sessions=150, issues=20))[0]
    kinds = {
        module.pk: sorted(KeyUserAssignment.objects.effective().filter(module=module).values_list("kind", flat=True))
        for module in BusinessModule.objects.filter(project=rollout)
    }
    assert all(k in (["primary"], ["backup", "primary"]) for k in kinds.values())
    assert sum(k == ["primary"] for k in kinds.values()) == 2


def test_some_issues_have_alternatives_and_the_settled_ones_a_decision(rollout):
    decided = Issue.objects.filter(project=rollout, decisions__isnull=False)
    assert SolutionOption.objects.filter(issue__project=rollout).exists()
    assert not decided.filter(status__in=Issue.OPEN_STATUSES).exists()
    assert all(issue.options.filter(chosen=True).count() == 1 for issue in decided)


def test_test_runs_have_a_result_per_step(rollout):
    runs = acceptance.TestRun.objects.filter(cycle__project=rollout)
    assert runs.exists()
    assert acceptance.StepResult.objects.filter(run__in=runs).count() == runs.count() * 3
    assert not runs.filter(finished_at__isnull=False, result="not_run").exists()


def test_a_second_run_adds_a_rollout_with_the_next_code(rollout):
    second = scale.seed(count=1, size=SMALL)[0]
    assert second.code == "scale-2"
    assert Issue.objects.filter(project=rollout).count() == 300


def test_synthetic_people_log_in_with_the_demo_password(rollout, client):
    assert client.login(username="scale-1.consultant", password=DEMO_PASSWORD)
    lead = Membership.objects.get(project=rollout, user__username="scale-1.consultant")
    assert lead.role == Membership.Role.APP_CONSULTANT


def test_the_command_adds_the_rollouts_after_the_demo(monkeypatch):
    monkeypatch.setattr(scale, "SCALE_1", SMALL)
    out = io.StringIO()
    call_command("seed_demo", scale=2, stdout=out)
    assert set(Project.objects.filter(code__startswith="scale-").values_list("code", flat=True)) == {
        "scale-1",
        "scale-2",
    }
    assert "scale-2.consultant" in out.getvalue()


def test_size_makes_one_rollout_that_many_times_as_big_with_every_module_owned():
    tiny = scale.Size(modules=10, people=100, sessions=80, issues=100, scenarios_per_module=1, steps_per_scenario=2)
    base, double = scale.seed(count=1, size=tiny)[0], scale.seed(count=1, size=tiny.times(2))[0]
    for model, of_project in (
        (BusinessModule, "project"),
        (Membership, "project"),
        (TrainingSession, "module__project"),
        (Issue, "project"),
        (acceptance.TestScenario, "project"),
    ):
        counts = [model.objects.filter(**{of_project: rollout}).count() for rollout in (base, double)]
        assert counts[1] == 2 * counts[0] > 0, model
    consultants = [
        Membership.objects.filter(project=rollout, role=Membership.Role.APP_CONSULTANT).count()
        for rollout in (base, double)
    ]
    assert consultants == [4, 8]
    modules = BusinessModule.objects.filter(project=double)
    assert {code.rsplit("-", 1)[1] for code in modules.values_list("code", flat=True)} == {"wx", "cz"}
    assert not modules.exclude(pk__in=KeyUserAssignment.objects.effective().values("module")).exists()
    assert set(Issue.objects.filter(project=double).values_list("status", flat=True)) <= set(Issue.Status.values)


def test_the_command_makes_one_rollout_of_the_size_asked_for(monkeypatch):
    monkeypatch.setattr(scale, "SCALE_1", SMALL)
    call_command("seed_demo", size=2, stdout=io.StringIO())
    rollout = Project.objects.get(code__startswith="scale-")
    assert BusinessModule.objects.filter(project=rollout).count() == 8
    assert Issue.objects.filter(project=rollout).count() == 600


def test_past_sla_breaches_are_recorded_so_the_sweep_announces_none(rollout):
    assert SlaBreach.objects.filter(issue__project=rollout).exists()
    assert sla_breaches_record() == 0


def test_a_chinese_rollout_is_written_in_chinese():
    with translation.override("zh-hans"):
        rollout = scale.seed(count=1, size=scale.Size(modules=2, people=60, sessions=20, issues=30), lang="zh-hans")[0]
    assert rollout.name.startswith("江南重工")
    module = BusinessModule.objects.filter(project=rollout).order_by("pk").first()
    assert module.name == "财务 / 总账 · 无锡"
    assert (
        Membership.objects.filter(project=rollout, role=Membership.Role.END_USER).first().department == "无锡 · 财务部"
    )


@pytest.mark.parametrize("size", [0, -1, 17])
def test_the_command_refuses_a_size_out_of_range(size):
    with pytest.raises(CommandError, match="--size must be between 1 and 16"):
        call_command("seed_demo", size=size)
    assert not Project.objects.exists()
