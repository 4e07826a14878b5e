"""Progress figures, aggregated in the database, and what readiness reads."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from acceptance import selectors, services
from acceptance.models import Result
from issues.models import Issue
from people.models import Membership
from tests.acceptance.factories import cycle_make, run_make, scenario_make
from tests.factories import module_make

pytestmark = pytest.mark.django_db

Role = Membership.Role
PASSED, FAILED, BLOCKED = Result.PASSED, Result.FAILED, Result.BLOCKED
TODAY = datetime.date(2026, 3, 10)


def fill(team, key_user):
    """Finance: 5 planned — passed, passed after a re-run, failed with an open S1, blocked with an
    open S3, in progress; one more not started in Purchasing."""
    finance = [scenario_make(module=team.module) for _ in range(5)]
    purchasing = module_make(project=team.project, code="pur", name="Purchasing")
    waiting = scenario_make(module=purchasing)
    cycle = cycle_make(project=team.project, scenarios=[*finance, waiting], name="UAT 1")
    run_make(cycle=cycle, scenario=finance[0], tester=key_user, results=[PASSED] * 3, finish=True)
    run_make(cycle=cycle, scenario=finance[1], tester=key_user, results=[BLOCKED], finish=True)
    run_make(cycle=cycle, scenario=finance[1], tester=key_user, results=[PASSED] * 3, finish=True)
    failed = run_make(cycle=cycle, scenario=finance[2], tester=key_user, results=[FAILED], finish=True)
    s1 = services.defect_raise(step_result=failed.step_results.get(order=1), severity="s1", reporter=key_user)
    blocked = run_make(cycle=cycle, scenario=finance[3], tester=key_user, results=[PASSED, BLOCKED], finish=True)
    s3 = services.defect_raise(step_result=blocked.step_results.get(order=2), severity="s3", reporter=key_user)
    run_make(cycle=cycle, scenario=finance[4], tester=key_user, results=[PASSED])
    return cycle, purchasing, failed, blocked, s1, s3


def test_cycle_progress_counts_each_planned_scenario_by_its_latest_run(team):
    key_user = team.members[Role.KEY_USER]
    cycle, purchasing, *_ = fill(team, key_user)
    finance_row, purchasing_row = selectors.cycle_progress(cycle=cycle)
    assert finance_row.module == team.module
    assert (finance_row.planned, finance_row.run, finance_row.passed) == (5, 4, 2)
    assert (finance_row.failed, finance_row.blocked, finance_row.in_progress, finance_row.not_started) == (1, 1, 1, 0)
    assert finance_row.pass_rate == 40.0
    assert finance_row.defects == {"s1": 1, "s2": 0, "s3": 1, "s4": 0}
    assert finance_row.open_s1_s2 == 1
    assert purchasing_row.module == purchasing
    assert (purchasing_row.planned, purchasing_row.run, purchasing_row.not_started) == (1, 0, 1)
    assert purchasing_row.pass_rate == 0.0
    total = selectors.progress_total([finance_row, purchasing_row])
    assert (total.planned, total.passed, total.pass_rate, total.open_defects) == (6, 2, 33.3, 2)


def test_resolved_defects_are_not_counted_as_open(team):
    key_user = team.members[Role.KEY_USER]
    cycle, _purchasing, _failed, _blocked, s1, _s3 = fill(team, key_user)
    s1.status = Issue.Status.CLOSED
    s1.save()
    finance_row = selectors.cycle_progress(cycle=cycle)[0]
    assert finance_row.defects == {"s1": 0, "s2": 0, "s3": 1, "s4": 0}


def test_a_cycle_without_scenarios_has_no_pass_rate(team):
    cycle = cycle_make(project=team.project)
    assert selectors.cycle_progress(cycle=cycle) == []
    assert selectors.progress_total([]).pass_rate is None


def test_the_cycles_overview_gives_each_cycle_its_totals(team):
    key_user = team.members[Role.KEY_USER]
    cycle, *_ = fill(team, key_user)
    empty = cycle_make(project=team.project, name="Regression", start=datetime.date(2026, 5, 4))
    overview = {entry.cycle: entry for entry in selectors.cycles_overview(project=team.project)}
    assert (overview[cycle].progress.planned, overview[cycle].progress.passed) == (6, 2)
    assert overview[cycle].progress.defects["s1"] == 1
    assert (overview[cycle].modules, overview[cycle].signed_off) == (2, 0)
    assert (overview[empty].progress.planned, overview[empty].modules) == (0, 0)


def test_readiness_reads_the_latest_started_uat_cycle_per_module(team):
    key_user = team.members[Role.KEY_USER]
    cycle, purchasing, failed, blocked, s1, s3 = fill(team, key_user)
    cycle_make(project=team.project, kind="sit", start=datetime.date(2026, 3, 5), name="SIT later")
    cycle_make(project=team.project, start=datetime.date(2026, 4, 6), name="UAT 2 (not started)")
    status = selectors.module_acceptance_status(project=team.project, today=TODAY)
    finance = status[team.module.pk]
    assert finance.cycle == cycle
    assert (finance.pass_rate, finance.signed_off) == (40.0, False)
    assert status[purchasing.pk].pass_rate == 0.0
    evidence = selectors.acceptance_evidence(cycle=cycle, module=team.module)
    assert evidence.failed_runs == [failed, blocked]
    assert {issue.pk for issue in evidence.open_defects} == {s1.pk, s3.pk}
    assert selectors.acceptance_evidence(cycle=cycle, module=purchasing).failed_runs == []


def test_readiness_may_ask_for_some_modules_only(team):
    key_user = team.members[Role.KEY_USER]
    cycle, purchasing, *_rest = fill(team, key_user)
    status = selectors.module_acceptance_status(project=team.project, today=TODAY, modules=[purchasing])
    assert list(status) == [purchasing.pk]  # Finance's figures are left out, not an error
    assert (status[purchasing.pk].cycle, status[purchasing.pk].planned) == (cycle, 1)


def test_a_failed_run_followed_by_a_passed_re_run_is_not_a_failed_run(team):
    key_user = team.members[Role.KEY_USER]
    scenario = scenario_make(module=team.module)
    cycle = cycle_make(project=team.project, scenarios=[scenario])
    run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[FAILED], finish=True)
    run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[PASSED] * 3, finish=True)
    services.sign_off_create(cycle=cycle, module=team.module, signed_by=key_user)
    finance = selectors.module_acceptance_status(project=team.project, today=TODAY)[team.module.pk]
    assert (finance.pass_rate, finance.signed_off) == (100.0, True)
    assert selectors.acceptance_evidence(cycle=cycle, module=team.module).failed_runs == []


def test_without_a_uat_cycle_every_module_has_empty_figures(team):
    cycle_make(project=team.project, kind="sit", scenarios=[scenario_make(module=team.module)])
    status = selectors.module_acceptance_status(project=team.project, today=TODAY)
    assert list(status) == [team.module.pk]
    assert (status[team.module.pk].cycle, status[team.module.pk].pass_rate) == (None, None)


def test_only_a_future_uat_cycle_is_read_when_none_has_started(team):
    future = cycle_make(project=team.project, start=datetime.date(2026, 6, 1))
    assert selectors.latest_uat_cycle(project=team.project, today=TODAY) == future


def queries(project) -> int:
    with CaptureQueriesContext(connection) as captured:
        selectors.module_acceptance_status(project=project, today=TODAY)
    return len(captured)


def test_readiness_figures_take_the_same_queries_for_few_and_many_modules_and_runs(team):
    key_user = team.members[Role.KEY_USER]
    fill(team, key_user)
    small = queries(team.project)
    cycle = selectors.latest_uat_cycle(project=team.project, today=TODAY)
    for _ in range(4):
        key_user = Membership.objects.get(pk=key_user.pk)  # its own modules are cached on the instance
        module = module_make(project=team.project, key_users=[key_user])
        scenario = scenario_make(module=module)
        services.cycle_update(
            cycle=cycle,
            kind=cycle.kind,
            name=cycle.name,
            start_date=cycle.start_date,
            end_date=cycle.end_date,
            scenarios=[*cycle.scenarios.all(), scenario],
        )
        run = run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[FAILED], finish=True)
        services.defect_raise(step_result=run.step_results.get(order=1), severity="s2", reporter=key_user)
    assert queries(team.project) == small <= 8


def test_an_issue_page_can_show_the_test_step_its_defect_was_raised_from(team, django_assert_num_queries):
    key_user = team.members[Role.KEY_USER]
    scenario = scenario_make(module=team.module, reference="FIN-007")
    cycle = cycle_make(project=team.project, scenarios=[scenario], name="UAT 1")
    run = run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[PASSED, FAILED])
    issue = services.defect_raise(step_result=run.step_results.get(order=2), severity="s2", reporter=key_user)
    with django_assert_num_queries(1):
        sources = selectors.defect_sources(issue=issue)
        html = render_to_string("acceptance/_raised_from.html", {"raised_from": sources})
    assert "FIN-007, step 2</a> in UAT 1" in html
    assert f'href="/p/{team.project.pk}/acceptance/runs/{run.pk}/#step-2"' in html
