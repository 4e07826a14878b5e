"""The rules of acceptance testing, kept by the services."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from acceptance import models as acceptance
from acceptance import services
from acceptance.models import Result
from issues import services as issue_services
from issues.models import Issue
from people.models import Membership
from tests.acceptance.factories import PNG, cycle_make, run_make, scenario_make
from tests.factories import MembershipFactory, module_make

pytestmark = pytest.mark.django_db

Role = Membership.Role
PASSED, FAILED, BLOCKED, NOT_RUN = Result.PASSED, Result.FAILED, Result.BLOCKED, Result.NOT_RUN


def resolve(issue: Issue, actor: Membership) -> Issue:
    for status in (Issue.Status.TRIAGED, Issue.Status.IN_PROGRESS):
        issue = issue_services.issue_transition(issue=issue, to_status=status, actor=actor)
    return issue_services.issue_transition(
        issue=issue, to_status=Issue.Status.RESOLVED, actor=actor, resolution="Configuration corrected."
    )


# --- scenarios ---------------------------------------------------------------------------------------------


def test_a_scenario_is_written_with_its_steps_in_order(team, key_user):
    other = module_make(project=team.project, code="ap")
    scenario = scenario_make(module=team.module, steps=3, related_modules=[other, team.module])
    assert [s.order for s in scenario.steps.all()] == [1, 2, 3]
    assert scenario.owner == key_user
    assert list(scenario.related_modules.all()) == [other]  # its own module is not "another" module


def test_the_owner_must_be_a_key_user_of_the_module(team):
    with pytest.raises(ValidationError, match="is not a Key User of Finance"):
        scenario_make(module=team.module, owner=team.members[Role.APP_CONSULTANT])


def test_a_scenario_id_is_unique_in_the_project(team, scenario):
    with pytest.raises(ValidationError, match="FIN-010 is already used"):
        scenario_make(module=team.module, reference="FIN-010")


def test_the_same_scenario_id_may_be_used_in_another_project(team, scenario):
    assert scenario_make(module=team.other_module, reference="FIN-010").project == team.other_project


def test_a_step_needs_an_action_and_an_expected_result(team, scenario):
    with pytest.raises(ValidationError, match="Step 2 needs both"):
        services.scenario_update(
            scenario=scenario, steps=[services.StepSpec("Post", "Posted"), services.StepSpec("Check", " ")]
        )


def test_changing_the_steps_edits_them_in_place_and_drops_the_extra_ones(scenario):
    first = scenario.steps.get(order=1)
    services.scenario_update(
        scenario=scenario, steps=[services.StepSpec("Post the invoice", "Posted"), services.StepSpec("Pay", "Paid")]
    )
    steps = list(scenario.steps.all())
    assert [(s.order, s.action) for s in steps] == [(1, "Post the invoice"), (2, "Pay")]
    assert steps[0].pk == first.pk
    assert first.history.count() == 2


def test_a_scenario_that_has_been_run_is_not_deleted(cycle, scenario, key_user):
    run_make(cycle=cycle, scenario=scenario, tester=key_user)
    with pytest.raises(ValidationError, match="has test runs"):
        services.scenario_delete(scenario=scenario)


def test_a_scenario_never_run_is_deleted(scenario):
    services.scenario_delete(scenario=scenario)
    assert not acceptance.TestScenario.objects.filter(pk=scenario.pk).exists()


def test_a_scenario_that_has_been_run_stays_in_its_module(team, cycle, scenario, key_user):
    run_make(cycle=cycle, scenario=scenario, tester=key_user)
    other = module_make(project=team.project, code="ap", key_users=[key_user])
    with pytest.raises(ValidationError, match="cannot move to another module"):
        services.scenario_update(scenario=scenario, module=other)


# --- cycles ------------------------------------------------------------------------------------------------


def test_a_cycle_ends_after_it_starts(team):
    with pytest.raises(ValidationError):
        cycle_make(project=team.project, start=datetime.date(2026, 3, 2), end=datetime.date(2026, 3, 1))


def test_a_cycle_takes_only_scenarios_of_its_project(team):
    foreign = scenario_make(module=team.other_module)
    with pytest.raises(ValidationError, match="must belong to this project"):
        cycle_make(project=team.project, scenarios=[foreign])


def test_a_scenario_with_runs_in_a_cycle_stays_in_it(cycle, scenario, key_user):
    run_make(cycle=cycle, scenario=scenario, tester=key_user)
    with pytest.raises(ValidationError, match="FIN-010"):
        services.cycle_update(
            cycle=cycle,
            kind=cycle.kind,
            name=cycle.name,
            start_date=cycle.start_date,
            end_date=cycle.end_date,
            scenarios=[],
        )
    assert cycle.planned.count() == 1


def test_a_cycle_with_runs_is_not_deleted(cycle, scenario, key_user):
    run_make(cycle=cycle, scenario=scenario, tester=key_user)
    with pytest.raises(ValidationError, match="has test runs"):
        services.cycle_delete(cycle=cycle)


# --- runs and their result ---------------------------------------------------------------------------------


def test_a_run_starts_with_every_step_not_run_and_a_copy_of_the_steps(cycle, scenario, key_user):
    run = services.run_start(cycle=cycle, scenario=scenario, tester=key_user, started_by=key_user)
    results = list(run.step_results.order_by("order"))
    assert [(r.order, r.status) for r in results] == [(1, NOT_RUN), (2, NOT_RUN), (3, NOT_RUN)]
    assert [r.action for r in results] == [s.action for s in scenario.steps.all()]
    assert run.result == NOT_RUN


@pytest.mark.parametrize(
    ("steps", "result"),
    [
        ([PASSED, PASSED, PASSED], PASSED),
        ([PASSED, FAILED, BLOCKED], FAILED),
        ([BLOCKED, PASSED, FAILED], FAILED),
        ([PASSED, BLOCKED, NOT_RUN], BLOCKED),
        ([PASSED, PASSED, NOT_RUN], NOT_RUN),
        ([NOT_RUN, NOT_RUN, NOT_RUN], NOT_RUN),
    ],
)
def test_the_result_of_a_run_follows_from_its_steps(cycle, scenario, key_user, steps, result):
    run = run_make(cycle=cycle, scenario=scenario, tester=key_user, results=steps)
    assert run.result == result


def test_a_step_set_back_to_passed_changes_the_result_again(cycle, scenario, key_user):
    run = run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[PASSED, FAILED, PASSED])
    services.step_record(
        step_result=run.step_results.get(order=2), status=PASSED, actual_result="", recorded_by=key_user
    )
    run.refresh_from_db()
    assert run.result == PASSED


def test_a_failed_or_blocked_step_says_what_actually_happened(cycle, scenario, key_user):
    run = services.run_start(cycle=cycle, scenario=scenario, tester=key_user, started_by=key_user)
    with pytest.raises(ValidationError, match="Describe what actually happened"):
        services.step_record(
            step_result=run.step_results.get(order=1), status=BLOCKED, actual_result="  ", recorded_by=key_user
        )


def test_a_run_with_steps_left_and_no_failure_cannot_be_finished(cycle, scenario, key_user):
    run = run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[PASSED])
    with pytest.raises(ValidationError, match="steps 2, 3 first"):
        services.run_finish(run=run)


def test_a_run_with_a_failed_step_can_be_finished_with_later_steps_not_run(cycle, scenario, key_user):
    run = run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[FAILED], finish=True)
    assert run.is_finished
    assert run.result == FAILED


def test_a_finished_run_is_not_changed(cycle, scenario, key_user):
    run = run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[PASSED] * 3, finish=True)
    with pytest.raises(ValidationError, match="This run is finished"):
        services.step_record(
            step_result=run.step_results.get(order=1), status=FAILED, actual_result="Oops", recorded_by=key_user
        )


def test_only_a_planned_scenario_is_run_in_a_cycle(team, cycle, key_user):
    unplanned = scenario_make(module=team.module)
    with pytest.raises(ValidationError, match="is not planned in UAT 1"):
        services.run_start(cycle=cycle, scenario=unplanned, tester=key_user, started_by=key_user)


def test_a_scenario_without_steps_cannot_be_run(team, key_user):
    empty = scenario_make(module=team.module, steps=0)
    cycle = cycle_make(project=team.project, scenarios=[empty])
    with pytest.raises(ValidationError, match="has no steps yet"):
        services.run_start(cycle=cycle, scenario=empty, tester=key_user, started_by=key_user)


@pytest.mark.parametrize("role", [Role.END_USER, Role.APP_CONSULTANT, Role.TECH_CONSULTANT, Role.KEY_USER])
def test_consultants_key_users_of_the_module_and_end_users_may_be_testers(team, cycle, scenario, key_user, role):
    run = services.run_start(cycle=cycle, scenario=scenario, tester=team.members[role], started_by=key_user)
    assert run.tester == team.members[role]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.IT_USER])
def test_managers_and_it_users_are_not_testers(team, cycle, scenario, key_user, role):
    with pytest.raises(ValidationError, match="cannot test Finance"):
        services.run_start(cycle=cycle, scenario=scenario, tester=team.members[role], started_by=key_user)


def test_a_key_user_of_another_module_is_not_a_tester(team, cycle, scenario, key_user):
    other_key_user = MembershipFactory(project=team.project, role=Role.KEY_USER)
    module_make(project=team.project, key_users=[other_key_user])
    with pytest.raises(ValidationError, match="cannot test Finance"):
        services.run_start(cycle=cycle, scenario=scenario, tester=other_key_user, started_by=key_user)


def test_the_tester_of_another_project_is_refused(team, cycle, scenario, key_user):
    outsider = team.other_module.key_user_assignments.get().membership
    with pytest.raises(ValidationError, match="not an active member"):
        services.run_start(cycle=cycle, scenario=scenario, tester=outsider, started_by=key_user)


def test_an_end_user_named_tester_is_told(cycle, scenario, key_user, end_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(cycle=cycle, scenario=scenario, tester=end_user, started_by=key_user)
    notification = end_user.user.notifications.get()
    assert "FIN-010" in notification.subject
    assert notification.url.endswith(f"/acceptance/runs/{run.pk}/")
    assert [m.to for m in mail.outbox] == [[end_user.user.email]]


def test_one_run_at_a_time_per_scenario_and_cycle(cycle, scenario, key_user):
    run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[PASSED])
    with pytest.raises(ValidationError, match="already has a run in progress"):
        services.run_start(cycle=cycle, scenario=scenario, tester=key_user, started_by=key_user)


def test_the_database_refuses_a_second_unfinished_run(cycle, scenario, key_user):
    run_make(cycle=cycle, scenario=scenario, tester=key_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        acceptance.TestRun.objects.create(cycle=cycle, scenario=scenario, tester=key_user, started_by=key_user)


# --- screenshots -------------------------------------------------------------------------------------------


def test_a_screenshot_is_kept_under_a_random_name_with_its_image_type(cycle, scenario, key_user):
    run = services.run_start(cycle=cycle, scenario=scenario, tester=key_user, started_by=key_user)
    step = services.step_record(
        step_result=run.step_results.get(order=1),
        status=FAILED,
        actual_result="Error 500",
        recorded_by=key_user,
        screenshot=SimpleUploadedFile("../../etc/passwd.html", PNG, content_type="text/html"),
    )
    assert step.screenshot.name.startswith(f"acceptance/{cycle.project_id}/")
    assert step.screenshot.name.endswith(".png")
    assert "passwd" not in step.screenshot.name
    assert step.screenshot_type == "image/png"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "is not a screenshot"),
        (b"%PDF-1.4 a document", "is not an image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "is not a screenshot"),
    ],
)
def test_a_screenshot_that_is_not_an_image_is_refused(cycle, scenario, key_user, content, message):
    run = services.run_start(cycle=cycle, scenario=scenario, tester=key_user, started_by=key_user)
    step = run.step_results.get(order=1)
    with pytest.raises(ValidationError, match=message):
        services.step_record(
            step_result=step,
            status=FAILED,
            actual_result="Error",
            recorded_by=key_user,
            screenshot=SimpleUploadedFile("shot.png", content, content_type="image/png"),
        )
    step.refresh_from_db()
    assert step.status == NOT_RUN
    assert not step.screenshot


def test_a_screenshot_over_the_size_limit_is_refused(cycle, scenario, key_user):
    run = services.run_start(cycle=cycle, scenario=scenario, tester=key_user, started_by=key_user)
    big = SimpleUploadedFile("shot.png", PNG + b"\0" * (5 * 1024 * 1024), content_type="image/png")
    with pytest.raises(ValidationError, match="is larger than"):
        services.step_record(
            step_result=run.step_results.get(order=1),
            status=FAILED,
            actual_result="Error",
            recorded_by=key_user,
            screenshot=big,
        )


# --- defects -----------------------------------------------------------------------------------------------


def test_a_failed_step_raises_a_prefilled_defect_linked_both_ways(cycle, scenario, key_user, end_user):
    run = run_make(cycle=cycle, scenario=scenario, tester=end_user, results=[PASSED, FAILED], started_by=key_user)
    step = run.step_results.get(order=2)
    services.step_record(
        step_result=step,
        status=FAILED,
        actual_result="The invoice posts to 2221-01.",
        recorded_by=end_user,
        screenshot=SimpleUploadedFile("shot.png", PNG),
    )
    issue = services.defect_raise(step_result=step, severity=Issue.Severity.S2, reporter=key_user)
    assert issue.module == scenario.module
    assert issue.category == Issue.Category.DEFECT
    assert issue.severity == Issue.Severity.S2
    assert issue.reporter == key_user
    assert issue.affected_end_user == end_user
    assert issue.title == "FIN-010 step 2: The invoice posts to 2221-01."
    for text in ("FIN-010", "UAT 1", "Do step 2", "Step 2 is done", "The invoice posts to 2221-01."):
        assert text in issue.description
    assert [a.content_type for a in issue.attachments.all()] == ["image/png"]
    step.refresh_from_db()
    assert step.defect == issue
    assert list(issue.acceptance_step_results.all()) == [step]


def test_a_blocked_step_raises_a_defect_too(cycle, scenario, key_user):
    run = run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[BLOCKED])
    issue = services.defect_raise(
        step_result=run.step_results.get(order=1), severity=Issue.Severity.S3, reporter=key_user
    )
    assert issue.affected_end_user is None


def test_a_passed_step_raises_no_defect(cycle, scenario, key_user):
    run = run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[PASSED])
    with pytest.raises(ValidationError, match="Only a failed or blocked step"):
        services.defect_raise(step_result=run.step_results.get(order=1), severity="s3", reporter=key_user)


def test_a_step_raises_its_defect_once(cycle, scenario, key_user):
    run = run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[FAILED])
    step = run.step_results.get(order=1)
    issue = services.defect_raise(step_result=step, severity="s3", reporter=key_user)
    with pytest.raises(ValidationError, match=f"Defect #{issue.number} was already raised"):
        services.defect_raise(step_result=step, severity="s3", reporter=key_user)
    assert Issue.objects.count() == 1


# --- re-run ------------------------------------------------------------------------------------------------


def test_a_scenario_is_re_run_once_its_defects_are_resolved_and_the_first_run_is_kept(
    cycle, scenario, key_user, consultant
):
    first = run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[PASSED, FAILED], finish=True)
    issue = services.defect_raise(step_result=first.step_results.get(order=2), severity="s2", reporter=key_user)
    with pytest.raises(ValidationError, match=f"still open: #{issue.number}"):
        services.run_start(cycle=cycle, scenario=scenario, tester=key_user, started_by=key_user)

    resolve(issue, consultant)
    second = run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[PASSED] * 3, finish=True)

    first.refresh_from_db()
    assert (first.result, second.result) == (FAILED, PASSED)
    assert first.step_results.get(order=2).defect == issue
    assert list(acceptance.TestRun.objects.filter(cycle=cycle, scenario=scenario)) == [second, first]


def test_a_defect_from_another_cycle_does_not_hold_a_run_back(team, cycle, scenario, key_user):
    run = run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[FAILED], finish=True)
    services.defect_raise(step_result=run.step_results.get(order=1), severity="s1", reporter=key_user)
    regression = cycle_make(project=team.project, scenarios=[scenario], kind="regression")
    assert services.run_start(cycle=regression, scenario=scenario, tester=key_user, started_by=key_user)


# --- sign-off ----------------------------------------------------------------------------------------------


@pytest.fixture
def failed_with_defect(cycle, scenario, key_user):
    def make(severity: str) -> Issue:
        run = run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[FAILED], finish=True)
        return services.defect_raise(step_result=run.step_results.get(order=1), severity=severity, reporter=key_user)

    return make


def test_the_key_user_signs_off_their_module_for_a_cycle(cycle, team, key_user):
    sign_off = services.sign_off_create(cycle=cycle, module=team.module, signed_by=key_user)
    assert (sign_off.signed_by, sign_off.module, sign_off.cycle) == (key_user, team.module, cycle)
    with pytest.raises(ValidationError, match="already signed off"):
        services.sign_off_create(cycle=cycle, module=team.module, signed_by=key_user)


@pytest.mark.parametrize("role", [Role.APP_CONSULTANT, Role.MANAGER, Role.END_USER])
def test_only_a_key_user_of_the_module_signs_it_off(cycle, team, role):
    with pytest.raises(ValidationError, match="is not a Key User of Finance"):
        services.sign_off_create(cycle=cycle, module=team.module, signed_by=team.members[role])


def test_a_module_with_nothing_planned_is_not_signed_off(team, key_user):
    empty = cycle_make(project=team.project)
    with pytest.raises(ValidationError, match="nothing to sign off"):
        services.sign_off_create(cycle=empty, module=team.module, signed_by=key_user)


@pytest.mark.parametrize("severity", [Issue.Severity.S1, Issue.Severity.S2])
def test_sign_off_is_refused_while_an_s1_or_s2_defect_of_the_cycle_is_open(
    cycle, team, key_user, failed_with_defect, severity
):
    issue = failed_with_defect(severity)
    with pytest.raises(ValidationError, match=f"S1/S2 defects raised in UAT 1 are still open \\(#{issue.number}\\)"):
        services.sign_off_create(cycle=cycle, module=team.module, signed_by=key_user)
    assert not acceptance.ModuleSignOff.objects.exists()


@pytest.mark.parametrize("severity", [Issue.Severity.S3, Issue.Severity.S4])
def test_open_s3_and_s4_defects_do_not_refuse_the_sign_off(cycle, team, key_user, failed_with_defect, severity):
    failed_with_defect(severity)
    assert services.sign_off_create(cycle=cycle, module=team.module, signed_by=key_user)


def test_a_resolved_s1_defect_no_longer_refuses_the_sign_off(cycle, team, key_user, consultant, failed_with_defect):
    resolve(failed_with_defect(Issue.Severity.S1), consultant)
    assert services.sign_off_create(cycle=cycle, module=team.module, signed_by=key_user)


def test_an_open_s1_defect_from_another_cycle_does_not_refuse_the_sign_off(team, cycle, scenario, key_user):
    earlier = cycle_make(project=team.project, scenarios=[scenario], kind="sit")
    run = run_make(cycle=earlier, scenario=scenario, tester=key_user, results=[FAILED], finish=True)
    services.defect_raise(step_result=run.step_results.get(order=1), severity="s1", reporter=key_user)
    assert services.sign_off_create(cycle=cycle, module=team.module, signed_by=key_user)


def test_a_consultants_exception_allows_the_sign_off_despite_open_s1_defects(
    cycle, team, key_user, consultant, failed_with_defect
):
    failed_with_defect(Issue.Severity.S1)
    exception = services.exception_create(
        cycle=cycle, module=team.module, consultant=consultant, reason="Workaround agreed; fix in release 2."
    )
    sign_off = services.sign_off_create(cycle=cycle, module=team.module, signed_by=key_user)
    assert sign_off.signed_by == key_user
    assert exception.reason == "Workaround agreed; fix in release 2."


def test_an_exception_needs_a_reason(cycle, team, consultant):
    with pytest.raises(ValidationError, match="Give the reason"):
        services.exception_create(cycle=cycle, module=team.module, consultant=consultant, reason="   ")


@pytest.mark.parametrize("role", [Role.KEY_USER, Role.MANAGER])
def test_only_a_consultant_records_an_exception(cycle, team, role):
    with pytest.raises(ValidationError, match="Only a consultant"):
        services.exception_create(cycle=cycle, module=team.module, consultant=team.members[role], reason="Accepted")


def test_sign_offs_and_exceptions_keep_their_history(cycle, team, key_user, consultant):
    exception = services.exception_create(cycle=cycle, module=team.module, consultant=consultant, reason="Accepted")
    sign_off = services.sign_off_create(cycle=cycle, module=team.module, signed_by=key_user)
    assert exception.history.count() == 1
    assert sign_off.history.count() == 1
