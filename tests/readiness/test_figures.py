"""The figures readiness reads from the other apps, on evidence recorded through their services: live,
and reconstructed for a past day from the dates the evidence carries."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from acceptance import services as acceptance_services
from acceptance.models import Result
from people.models import Membership
from readiness.evidence import ModuleFigures, module_figures, module_figures_on, project_readiness
from tests.factories import module_make
from training.models import TrainingSession

pytestmark = pytest.mark.django_db

Role = Membership.Role
TTT = TrainingSession.Kind.TRAIN_THE_TRAINER
NOW = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC)  # a Monday, 18:00 in Shanghai


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def finance(team, evidence):
    """Finance with a backup Key User, four end users (three trained), the primary Key User certified,
    four of six deliverables signed off, issues of every kind, and a UAT of three scenarios (two passed, one
    failed with an open S2 defect), not signed off."""
    evidence.backup_key_user()
    people = evidence.end_users(4)
    evidence.session([evidence.key_user], kind=TTT, days=-20)
    evidence.session(people[:2], days=-10)
    evidence.session(people[2:3], days=-3)
    evidence.sign_off_deliverables(4)
    evidence.issue(severity="s1", blocks=True, days=-2)  # blocking and S1: counted once
    evidence.issue(severity="s2", days=-2)
    evidence.issue(severity="s4", blocks=True, days=-2)
    evidence.issue(severity="s4", days=-1)
    evidence.settle(evidence.issue(severity="s1", blocks=True, days=-8))
    cycle = evidence.uat([Result.PASSED, Result.PASSED, Result.FAILED], signed_off=False, start_days=-6)
    run = cycle.runs.get(result=Result.FAILED)
    acceptance_services.defect_raise(step_result=run.step_results.get(), severity="s2", reporter=evidence.key_user)
    return team.module


def test_the_figures_of_a_module_come_from_its_evidence(team, finance):
    figures = module_figures(project=team.project)[finance.pk]
    assert figures == ModuleFigures(
        module_id=finance.pk,
        key_users=2,
        key_users_certified=1,
        end_users=4,
        end_users_trained=3,
        deliverables=6,
        deliverables_signed_off=4,
        open_issues=5,  # four logged, and the defect raised from the failed run
        open_blockers=4,  # the blocking S1, the S2, the blocking S4 and the S2 defect
        open_blocking_go_live=2,
        open_s1_s2=3,
        overdue=figures.overdue,
        uat_planned=3,
        uat_passed=2,
        uat_failed=1,
        uat_open_defects=1,
        uat_signed_off=False,
    )
    assert figures.uat_pass_rate == 66.6


def test_only_in_scope_modules_count_and_a_module_without_evidence_has_zeros(team, finance):
    module_make(project=team.project, code="hr", name="HR", in_scope=False)
    empty = module_make(project=team.project, code="qm", name="Quality")
    figures = module_figures(project=team.project)
    assert set(figures) == {finance.pk, empty.pk}
    assert figures[empty.pk].open_issues == 0
    assert figures[empty.pk].uat_planned == 0
    assert module_figures(project=team.other_project).keys() == {team.other_module.pk}


def test_figures_take_the_same_queries_for_one_module_and_for_eleven(team, finance, evidence):
    with CaptureQueriesContext(connection) as small:
        module_figures(project=team.project)
    for n in range(10):
        module = module_make(project=team.project, code=f"m{n}")
        evidence.end_users(2, module=module)
        evidence.issue(severity="s2", module=module)
    with CaptureQueriesContext(connection) as large:
        module_figures(project=team.project)
    assert len(small) == len(large) == 6


def test_a_past_day_counts_only_the_evidence_dated_before_its_end(team, finance):
    week_ago = module_figures_on(project=team.project, day=timezone.localdate() - datetime.timedelta(days=7))[
        finance.pk
    ]
    assert week_ago.key_users_certified == 1  # certified 20 days ago
    assert week_ago.end_users_trained == 2  # the session 3 days ago had not happened
    assert week_ago.deliverables_signed_off == 0  # signed off today
    # Logged 8 days ago and settled today: open a week ago; the others were logged later.
    assert (week_ago.open_issues, week_ago.open_blockers, week_ago.open_blocking_go_live) == (1, 1, 1)
    assert week_ago.uat_planned == 3  # the UAT started 6 days ago, its runs came later
    assert week_ago.uat_passed == 0


def test_reconstructing_today_gives_the_live_figures(team, finance):
    live = module_figures(project=team.project)
    assert module_figures_on(project=team.project, day=timezone.localdate()) == live


def test_the_project_readiness_judges_the_live_figures_of_each_module(team, finance):
    result = project_readiness(project=team.project)
    module = result.module(finance.pk)
    assert module.status == "not_ready"
    assert {check.criterion: check.level for check in module.checks} == {
        "key_users": "ok",
        "certified": "warning",
        "training": "failing",
        "deliverables": "failing",
        "acceptance": "failing",
        "blockers": "failing",
        "overdue": module.check("overdue").level,
    }
    assert result.uat_cycle.pk == result.acceptance[finance.pk].cycle.pk
