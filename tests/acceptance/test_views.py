"""The acceptance pages: the tester's journey, what each role may do there, exports and query counts."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from acceptance import models as acceptance
from acceptance import services
from acceptance.models import Result
from issues import services as issue_services
from issues.models import Issue
from people.models import Membership
from tests.acceptance.factories import PNG, cycle_make, run_make, scenario_make
from tests.factories import MembershipFactory, module_make
from tests.querycount import assert_same_queries, queries_for

pytestmark = pytest.mark.django_db

Role = Membership.Role
PASSED, FAILED, BLOCKED = Result.PASSED, Result.FAILED, Result.BLOCKED


def url(name: str, team, *args) -> str:
    return reverse(f"acceptance:{name}", args=[team.project.pk, *args])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def record(client, team, run, order: int, status: str, actual: str = "", screenshot=None, follow=True):
    step = run.step_results.get(order=order)
    data = {f"step-{step.pk}-status": status, f"step-{step.pk}-actual_result": actual}
    if screenshot is not None:
        data[f"step-{step.pk}-screenshot"] = screenshot
    return client.post(url("step_record", team, run.pk, step.pk), data, follow=follow)


# --- the journey ---------------------------------------------------------------------------------------------


def test_a_key_user_runs_fails_raises_the_defect_re_runs_after_the_fix_and_signs_off(team, cycle, scenario):
    key_user = team.client_for(Role.KEY_USER)
    response = key_user.post(
        url("run_create", team, cycle.pk), {"scenario": scenario.pk, "tester": team.members[Role.KEY_USER].pk}
    )
    run = acceptance.TestRun.objects.get()
    assert response["Location"] == url("run_detail", team, run.pk)

    record(key_user, team, run, 1, PASSED)
    response = record(key_user, team, run, 2, FAILED, "Posted to 2221-01", SimpleUploadedFile("shot.png", PNG))
    assert "Step 2 recorded." in messages_of(response)
    page = response.content.decode()
    assert "Raise a defect" in page

    step = run.step_results.get(order=2)
    response = key_user.post(url("defect_raise", team, run.pk, step.pk), {"severity": "s2"}, follow=True)
    issue = Issue.objects.get()
    assert f"Defect #{issue.number} raised in Issues." in messages_of(response)
    assert reverse("issues:detail", args=[team.project.pk, issue.pk]) in response.content.decode()
    assert issue.attachments.count() == 1

    response = key_user.post(url("run_finish", team, run.pk), follow=True)
    assert "Run finished: Failed." in messages_of(response)

    response = key_user.post(url("sign_off", team, cycle.pk, team.module.pk), follow=True)
    assert any("S1/S2 defects raised in UAT 1 are still open" in m for m in messages_of(response))
    response = key_user.post(url("run_create", team, cycle.pk), {"scenario": scenario.pk, "tester": run.tester_id})
    assert "are still open" in response.content.decode()

    consultant = team.members[Role.APP_CONSULTANT]
    for status in (Issue.Status.TRIAGED, Issue.Status.IN_PROGRESS):
        issue = issue_services.issue_transition(issue=issue, to_status=status, actor=consultant)
    issue_services.issue_transition(issue=issue, to_status=Issue.Status.RESOLVED, actor=consultant, resolution="Fixed")

    key_user.post(url("run_create", team, cycle.pk), {"scenario": scenario.pk, "tester": run.tester_id})
    rerun = acceptance.TestRun.objects.exclude(pk=run.pk).get()
    for order in (1, 2, 3):
        record(key_user, team, rerun, order, PASSED)
    key_user.post(url("run_finish", team, rerun.pk))
    response = key_user.post(url("sign_off", team, cycle.pk, team.module.pk), follow=True)
    assert "Finance signed off in UAT 1." in messages_of(response)

    run.refresh_from_db()
    assert (run.result, run.step_results.get(order=2).defect) == (FAILED, issue)
    page = key_user.get(url("scenario_detail", team, scenario.pk)).content.decode()
    assert f"#{issue.number}" in page


def test_an_end_user_named_tester_records_their_run_and_sees_it_in_my_runs(team, cycle, scenario):
    run = run_make(
        cycle=cycle, scenario=scenario, tester=team.members[Role.END_USER], started_by=team.members[Role.KEY_USER]
    )
    client = team.client_for(Role.END_USER)
    page = client.get(url("run_list", team)).content.decode()
    assert "FIN-010" in page
    assert "3 steps left" in page
    response = record(client, team, run, 1, BLOCKED, "No authorisation for F110")
    assert response.status_code == 200
    run.refresh_from_db()
    assert run.result == BLOCKED
    step = run.step_results.get(order=1)
    client.post(url("defect_raise", team, run.pk, step.pk), {"severity": "s3"})
    issue = Issue.objects.get()
    assert (issue.reporter, issue.affected_end_user) == (team.members[Role.END_USER],) * 2


def test_an_end_user_cannot_see_or_record_a_run_they_are_not_the_tester_of(team, cycle, scenario):
    run = run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.KEY_USER])
    client = team.client_for(Role.END_USER)
    assert client.get(url("run_detail", team, run.pk)).status_code == 403
    assert record(client, team, run, 1, PASSED, follow=False).status_code == 403
    assert run.step_results.get(order=1).status == Result.NOT_RUN


def test_a_key_user_of_another_module_reads_a_run_but_cannot_record_it(team, cycle, scenario):
    run = run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.END_USER])
    other = MembershipFactory(project=team.project, role=Role.KEY_USER)
    module_make(project=team.project, key_users=[other])
    client = team.client_for(Role.KEY_USER)
    client.force_login(other.user)
    page = client.get(url("run_detail", team, run.pk)).content.decode()
    assert "Save the step" not in page
    assert record(client, team, run, 1, PASSED, follow=False).status_code == 403


def test_a_key_user_starts_runs_only_of_their_modules_scenarios(team, cycle, scenario):
    other_module = module_make(project=team.project, code="wh", name="Warehouse")
    theirs = scenario_make(module=other_module)
    services.cycle_update(
        cycle=cycle,
        kind=cycle.kind,
        name=cycle.name,
        start_date=cycle.start_date,
        end_date=cycle.end_date,
        scenarios=[scenario, theirs],
    )
    client = team.client_for(Role.KEY_USER)
    form = client.get(url("run_create", team, cycle.pk)).context["form"]
    assert list(form.fields["scenario"].queryset) == [scenario]
    response = client.post(
        url("run_create", team, cycle.pk), {"scenario": theirs.pk, "tester": form.initial["tester"].pk}
    )
    assert response.status_code == 200
    assert not acceptance.TestRun.objects.exists()


def test_a_wrong_step_record_keeps_what_was_typed_and_says_why(team, cycle, scenario):
    run = run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.KEY_USER])
    client = team.client_for(Role.KEY_USER)
    response = record(client, team, run, 2, FAILED, "", SimpleUploadedFile("shot.png", b"<html>x</html>"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Describe what actually happened" in page
    response = record(
        client, team, run, 2, FAILED, "Posting refused", SimpleUploadedFile("page.html", b"<html>x</html>")
    )
    page = response.content.decode()
    assert "page.html is not a screenshot" in page
    assert "Posting refused" in page
    assert run.step_results.get(order=2).status == Result.NOT_RUN


def test_finishing_a_run_with_steps_left_says_which(team, cycle, scenario):
    run = run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.KEY_USER], results=[PASSED])
    response = team.client_for(Role.KEY_USER).post(url("run_finish", team, run.pk), follow=True)
    assert "Record a result for steps 2, 3 first." in messages_of(response)


def test_a_finished_run_is_shown_without_forms_and_offers_a_re_run(team, cycle, scenario):
    run = run_make(
        cycle=cycle, scenario=scenario, tester=team.members[Role.KEY_USER], results=[PASSED] * 3, finish=True
    )
    page = team.client_for(Role.KEY_USER).get(url("run_detail", team, run.pk)).content.decode()
    assert "Save the step" not in page
    assert "Re-run this scenario" in page


# --- screenshots ---------------------------------------------------------------------------------------------


def test_a_screenshot_is_served_as_an_image_to_those_who_see_the_run(team, cycle, scenario):
    run = run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.END_USER])
    step = services.step_record(
        step_result=run.step_results.get(order=1),
        status=FAILED,
        actual_result="Error",
        recorded_by=team.members[Role.END_USER],
        screenshot=SimpleUploadedFile("shot.png", PNG),
    )
    response = team.client_for(Role.MANAGER).get(url("step_screenshot", team, run.pk, step.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="step-1.png"'
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PNG
    assert team.client_for("outsider").get(url("step_screenshot", team, run.pk, step.pk)).status_code == 404


def test_a_step_without_a_screenshot_has_none_to_serve(team, cycle, scenario):
    run = run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.KEY_USER])
    step = run.step_results.get(order=1)
    assert team.client_for(Role.KEY_USER).get(url("step_screenshot", team, run.pk, step.pk)).status_code == 404


def test_a_step_of_another_run_is_not_found_under_this_run(team, cycle, scenario):
    run = run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.KEY_USER], results=[FAILED], finish=True)
    other = run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.KEY_USER])
    step = other.step_results.get(order=1)
    client = team.client_for(Role.KEY_USER)
    assert client.post(url("step_record", team, run.pk, step.pk), {}).status_code == 404


# --- cycles, sign-off and exceptions -------------------------------------------------------------------------


def test_a_consultant_plans_a_cycle_with_scenarios(team, scenario):
    client = team.client_for(Role.APP_CONSULTANT)
    response = client.post(
        url("cycle_create", team),
        {
            "kind": "sit",
            "name": "SIT 1",
            "start_date": "2026-04-01",
            "end_date": "2026-04-10",
            "scenarios": [scenario.pk],
        },
    )
    cycle = acceptance.TestCycle.objects.get(name="SIT 1")
    assert response["Location"] == url("cycle_detail", team, cycle.pk)
    assert list(cycle.scenarios.all()) == [scenario]


def test_a_cycle_form_with_wrong_dates_keeps_what_was_typed(team):
    response = team.client_for(Role.APP_CONSULTANT).post(
        url("cycle_create", team),
        {"kind": "uat", "name": "UAT 9", "start_date": "2026-04-10", "end_date": "2026-04-01"},
    )
    page = response.content.decode()
    assert "The cycle ends before it starts." in page
    assert 'value="UAT 9"' in page
    assert not acceptance.TestCycle.objects.exists()


def test_dropping_a_scenario_that_was_run_from_a_cycle_is_refused_on_the_form(team, cycle, scenario):
    run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.KEY_USER])
    response = team.client_for(Role.APP_CONSULTANT).post(
        url("cycle_update", team, cycle.pk),
        {"kind": "uat", "name": "UAT 1", "start_date": "2026-03-02", "end_date": "2026-03-15"},
    )
    assert "have runs in UAT 1 and stay in it: FIN-010" in response.content.decode()


def test_a_consultant_records_an_exception_and_the_key_user_can_then_sign_off(team, cycle, scenario):
    run = run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.KEY_USER], results=[FAILED], finish=True)
    issue = services.defect_raise(
        step_result=run.step_results.get(order=1), severity="s1", reporter=team.members[Role.KEY_USER]
    )
    consultant = team.client_for(Role.APP_CONSULTANT)
    assert "Record an exception" in consultant.get(url("cycle_detail", team, cycle.pk)).content.decode()
    page = consultant.get(url("exception_create", team, cycle.pk, team.module.pk)).content.decode()
    assert f"#{issue.number}" in page
    response = consultant.post(url("exception_create", team, cycle.pk, team.module.pk), {"reason": ""})
    assert response.status_code == 200
    consultant.post(url("exception_create", team, cycle.pk, team.module.pk), {"reason": "Workaround documented."})
    team.client_for(Role.KEY_USER).post(url("sign_off", team, cycle.pk, team.module.pk))
    assert acceptance.ModuleSignOff.objects.filter(cycle=cycle, module=team.module).exists()


def test_the_progress_page_shows_each_module_and_the_sign_off_button_to_its_key_user(team, cycle, scenario):
    run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.KEY_USER], results=[PASSED] * 3, finish=True)
    page = team.client_for(Role.KEY_USER).get(url("cycle_detail", team, cycle.pk)).content.decode()
    assert "100.0 %" in page
    assert "Sign off" in page
    page = team.client_for(Role.MANAGER).get(url("cycle_detail", team, cycle.pk)).content.decode()
    assert "Not signed off" in page
    assert 'action="' + url("sign_off", team, cycle.pk, team.module.pk) not in page


def test_the_progress_exports_as_csv_and_xlsx(team, cycle, scenario):
    run = run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.KEY_USER], results=[FAILED], finish=True)
    services.defect_raise(
        step_result=run.step_results.get(order=1), severity="s2", reporter=team.members[Role.KEY_USER]
    )
    client = team.client_for(Role.MANAGER)
    text = client.get(url("cycle_export", team, cycle.pk)).content.decode("utf-8-sig")
    header, finance, total = text.splitlines()
    assert header.startswith("Module,Planned,Run,Passed,Failed,Blocked,In progress,Not started,Pass rate (%)")
    assert finance.startswith("Finance,1,1,0,1,0,0,0,0.0,0,1,0,0")
    assert total.startswith("Total,1,1,0,1")
    response = client.get(url("cycle_export", team, cycle.pk), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:5] == ("Finance", 1, 1, 0, 1)


def test_deleting_a_cycle_with_runs_is_refused_with_a_message(team, cycle, scenario):
    run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.KEY_USER])
    response = team.client_for(Role.APP_CONSULTANT).post(url("cycle_delete", team, cycle.pk), follow=True)
    assert "UAT 1 has test runs; it is kept with its history." in messages_of(response)


# --- scenarios -----------------------------------------------------------------------------------------------


def steps_data(*steps, prefix="steps") -> dict:
    data = {f"{prefix}-TOTAL_FORMS": len(steps), f"{prefix}-INITIAL_FORMS": 0}
    for index, (order, action, expected) in enumerate(steps):
        data |= {
            f"{prefix}-{index}-ORDER": order,
            f"{prefix}-{index}-action": action,
            f"{prefix}-{index}-expected_result": expected,
        }
    return data


def test_a_key_user_writes_a_scenario_of_their_module_with_its_steps(team):
    client = team.client_for(Role.KEY_USER)
    form = client.get(url("scenario_create", team)).context["form"]
    assert list(form.fields["module"].queryset) == [team.module]
    response = client.post(
        url("scenario_create", team),
        {
            "module": team.module.pk,
            "reference": "GL-010",
            "title": "Month-end close",
            "business_process": "Record to report",
            "priority": "high",
            "owner": team.members[Role.KEY_USER].pk,
            **steps_data(
                (2, "Close the period", "Postings refused"), (1, "Post accruals", "Accruals posted"), ("", "", "")
            ),
        },
    )
    scenario = acceptance.TestScenario.objects.get()
    assert response["Location"] == url("scenario_detail", team, scenario.pk)
    assert [s.action for s in scenario.steps.all()] == ["Post accruals", "Close the period"]


def test_a_scenario_form_refused_by_the_service_keeps_the_steps(team, scenario):
    response = team.client_for(Role.APP_CONSULTANT).post(
        url("scenario_create", team),
        {
            "module": team.module.pk,
            "reference": "FIN-010",
            "title": "Duplicate",
            "business_process": "R2R",
            "priority": "low",
            "owner": team.members[Role.KEY_USER].pk,
            **steps_data((1, "Typed action", "Typed result")),
        },
    )
    page = response.content.decode()
    assert "The scenario ID FIN-010 is already used in this project." in page
    assert "Typed action" in page


def test_a_scenario_needs_at_least_one_step(team):
    response = team.client_for(Role.APP_CONSULTANT).post(
        url("scenario_create", team),
        {"module": team.module.pk, "reference": "X-1", "title": "t", "business_process": "p", "priority": "low",
         "owner": team.members[Role.KEY_USER].pk, **steps_data(("", "", ""))},
    )  # fmt: skip
    assert response.status_code == 200
    assert not acceptance.TestScenario.objects.exists()


def test_a_key_user_cannot_edit_another_modules_scenario(team):
    other_module = module_make(project=team.project, code="wh")
    theirs = scenario_make(module=other_module)
    client = team.client_for(Role.KEY_USER)
    assert client.get(url("scenario_update", team, theirs.pk)).status_code == 403
    assert client.post(url("scenario_delete", team, theirs.pk)).status_code == 403


def test_the_scenario_list_filters_by_module_and_search(team, scenario):
    scenario_make(module=module_make(project=team.project, code="wh"), reference="WH-001", title="Putaway")
    client = team.client_for(Role.IT_USER)
    page = client.get(url("scenario_list", team), {"q": "putaway"}).content.decode()
    assert "WH-001" in page
    assert "FIN-010" not in page
    page = client.get(url("scenario_list", team), {"module": team.module.pk}).content.decode()
    assert "FIN-010" in page
    assert "WH-001" not in page


# --- constant queries ----------------------------------------------------------------------------------------


def grow(team, cycle, scenario, size: int) -> None:
    """`size` more modules, each with two scenarios in the cycle: one failed with an open defect, one
    passed after a re-run, all with the end user as tester and signed off; and `size` more cycles in
    which the scenario failed with a defect."""
    tester = team.members[Role.END_USER]
    for _ in range(size):
        other_cycle = cycle_make(project=team.project, scenarios=[scenario])
        run = run_make(cycle=other_cycle, scenario=scenario, tester=tester, results=[FAILED], finish=True)
        services.defect_raise(step_result=run.step_results.get(order=1), severity="s3", reporter=tester)
        key_user = MembershipFactory(project=team.project, role=Role.KEY_USER)
        module = module_make(project=team.project, key_users=[key_user])
        failing, passing = scenario_make(module=module), scenario_make(module=module)
        planned = list(cycle.scenarios.all())
        services.cycle_update(
            cycle=cycle,
            kind=cycle.kind,
            name=cycle.name,
            start_date=cycle.start_date,
            end_date=cycle.end_date,
            scenarios=[*planned, failing, passing],
        )
        run = run_make(
            cycle=cycle, scenario=failing, tester=tester, results=[PASSED, FAILED], finish=True, started_by=key_user
        )
        services.defect_raise(step_result=run.step_results.get(order=2), severity="s4", reporter=key_user)
        run_make(cycle=cycle, scenario=passing, tester=tester, results=[BLOCKED], finish=True, started_by=key_user)
        run_make(cycle=cycle, scenario=passing, tester=tester, results=[PASSED] * 3, finish=True, started_by=key_user)
        services.sign_off_create(cycle=cycle, module=module, signed_by=key_user)


PAGES = [
    ("cycle_list", lambda team, cycle, scenario, run: [], Role.MANAGER),
    ("cycle_detail", lambda team, cycle, scenario, run: [cycle.pk], Role.APP_CONSULTANT),
    ("cycle_export", lambda team, cycle, scenario, run: [cycle.pk], Role.MANAGER),
    ("scenario_list", lambda team, cycle, scenario, run: [], Role.KEY_USER),
    ("scenario_export", lambda team, cycle, scenario, run: [], Role.KEY_USER),
    ("scenario_detail", lambda team, cycle, scenario, run: [scenario.pk], Role.KEY_USER),
    ("run_detail", lambda team, cycle, scenario, run: [run.pk], Role.END_USER),
    ("run_list", lambda team, cycle, scenario, run: [], Role.END_USER),
    ("run_create", lambda team, cycle, scenario, run: [cycle.pk], Role.APP_CONSULTANT),
]


@pytest.mark.parametrize(("name", "args", "role"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_run_the_same_number_of_queries_at_two_sizes(team, cycle, scenario, name, args, role):
    run = run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.END_USER], results=[PASSED, FAILED])
    services.defect_raise(
        step_result=run.step_results.get(order=2), severity="s1", reporter=team.members[Role.KEY_USER]
    )
    page = url(name, team, *args(team, cycle, scenario, run))
    client = team.client_for(role)
    grow(team, cycle, scenario, 2)
    small = queries_for(client, page)
    grow(team, cycle, scenario, 8)
    assert_same_queries(small, queries_for(client, page), url=page)


# --- the module page's card ----------------------------------------------------------------------------------


def test_the_module_page_shows_the_latest_cycle_pass_rate_and_sign_off(team, cycle, scenario):
    key_user = team.members[Role.KEY_USER]
    run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[PASSED] * 3, finish=True)
    services.sign_off_create(cycle=cycle, module=team.module, signed_by=key_user)
    page = team.client_for(Role.MANAGER).get(reverse("modules:detail", args=[team.project.pk, team.module.pk]))
    text = page.content.decode()
    assert "Acceptance tests" in text
    assert "UAT 1" in text
    assert "100.0 %" in text
    assert f"Signed off by {key_user.user.display_name}" in text


def test_the_module_page_card_takes_the_same_queries_at_two_sizes(team, cycle, scenario):
    page = reverse("modules:detail", args=[team.project.pk, team.module.pk])
    client = team.client_for(Role.KEY_USER)
    tester = team.members[Role.KEY_USER]

    def grow(size):
        for _ in range(size):
            extra = scenario_make(module=team.module)
            services.cycle_update(
                cycle=cycle,
                kind=cycle.kind,
                name=cycle.name,
                start_date=cycle.start_date,
                end_date=cycle.end_date,
                scenarios=[*cycle.scenarios.all(), extra],
            )
            run_make(cycle=cycle, scenario=extra, tester=tester, results=[FAILED], finish=True)

    grow(1)
    small = queries_for(client, page)
    grow(6)
    assert_same_queries(small, queries_for(client, page), url=page)


def test_the_defects_issue_page_links_back_to_the_test_step(team, cycle, scenario, key_user):
    run = run_make(cycle=cycle, scenario=scenario, tester=key_user, results=[PASSED, FAILED])
    issue = services.defect_raise(step_result=run.step_results.get(order=2), severity="s2", reporter=key_user)
    url = reverse("issues:detail", args=[team.project.pk, issue.pk])
    page = team.client_for(Role.APP_CONSULTANT).get(url).content.decode()
    assert f'href="/p/{team.project.pk}/acceptance/runs/{run.pk}/#step-2"' in page
