"""The demo's acceptance tests, and the journey they leave ready for `keyuser`."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from acceptance import models as acceptance
from acceptance import selectors, services
from acceptance.models import Result
from issues import services as issue_services
from issues.models import Issue
from people.models import Membership
from projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    call_command("seed_demo")
    return Project.objects.get(code="hdpm-s4")


def member(project, username) -> Membership:
    return Membership.objects.select_related("user").get(project=project, user__username=username)


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (acceptance.TestScenario, acceptance.TestCycle, acceptance.TestRun, acceptance.ModuleSignOff)
    )


def test_the_demo_seeds_acceptance_once(project):
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert first[0] >= 10


def test_the_current_uat_has_passing_signed_off_modules_and_a_failing_one_with_an_open_defect(project):
    status = selectors.module_acceptance_status(project=project)
    by_code = {figures.module.code: figures for figures in status.values()}
    assert by_code["mm-pur"].cycle.kind == acceptance.TestCycle.Kind.UAT
    for code in ("mm-pur", "wm", "sd"):
        assert by_code[code].pass_rate >= 95
        assert by_code[code].signed_off
    evidence = selectors.acceptance_evidence(cycle=by_code["pp"].cycle, module=by_code["pp"].module)
    assert evidence.failed_runs
    assert evidence.open_defects
    assert not by_code["fin-ap"].signed_off


def test_keyuser_runs_fails_raises_the_defect_consultant_resolves_keyuser_re_runs_and_signs_off(client, project):
    keyuser = member(project, "keyuser")
    uat = selectors.latest_uat_cycle(project=project)
    scenario = acceptance.TestScenario.objects.get(project=project, reference="AP-020")
    assert client.login(username="keyuser", password="erpteam-demo")
    run_url = reverse("acceptance:run_create", args=[project.pk, uat.pk])
    assert client.get(run_url, {"scenario": scenario.pk}).status_code == 200
    client.post(run_url, {"scenario": scenario.pk, "tester": keyuser.pk})
    run = acceptance.TestRun.objects.get(cycle=uat, scenario=scenario)

    services.step_record(
        step_result=run.step_results.get(order=1),
        status=Result.FAILED,
        actual_result="Posted without a payment block",
        recorded_by=keyuser,
    )
    issue = services.defect_raise(step_result=run.step_results.get(order=1), severity="s2", reporter=keyuser)
    services.run_finish(run=run)

    consultant = member(project, "consultant")
    for status in (Issue.Status.TRIAGED, Issue.Status.IN_PROGRESS):
        issue = issue_services.issue_transition(issue=issue, to_status=status, actor=consultant)
    issue_services.issue_transition(issue=issue, to_status=Issue.Status.RESOLVED, actor=consultant, resolution="Fixed")

    rerun = services.run_start(cycle=uat, scenario=scenario, tester=keyuser, started_by=keyuser)
    for step in rerun.step_results.all():
        services.step_record(step_result=step, status=Result.PASSED, actual_result="", recorded_by=keyuser)
    services.run_finish(run=rerun)
    module = scenario.module
    response = client.post(reverse("acceptance:sign_off", args=[project.pk, uat.pk, module.pk]))
    assert response.status_code == 302
    assert acceptance.ModuleSignOff.objects.filter(cycle=uat, module=module).exists()
