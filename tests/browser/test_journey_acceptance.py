"""In a browser: `keyuser` runs a scenario of their module in the UAT, fails a step with a screenshot
and raises the defect; once `consultant` has resolved it, `keyuser` re-runs the scenario and signs the
module off. The pages pass axe's checks."""

import pytest

from acceptance import models as acceptance
from issues import services as issue_services
from issues.models import Issue
from people.models import Membership
from tests.acceptance.factories import PNG, cycle_make, scenario_make
from tests.browser.conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Role = Membership.Role


def step(page, order: int):
    return page.locator(f"#step-{order}")


def record(page, order: int, result: str, actual: str = "", screenshot=None) -> None:
    section = step(page, order)
    section.locator("label", has_text=result).click()
    if actual:
        section.get_by_label("Actual result").fill(actual)
    if screenshot:
        section.get_by_label("Screenshot").set_input_files(screenshot)
    section.get_by_role("button", name="Save the step").click()
    page.get_by_text(f"Step {order} recorded.").wait_for()


def test_a_key_user_fails_a_step_raises_the_defect_re_runs_after_the_fix_and_signs_off(page, team, password, tmp_path):
    scenario = scenario_make(module=team.module, reference="AP-020", title="Invoice with a price variance", steps=2)
    cycle = cycle_make(project=team.project, scenarios=[scenario], name="UAT round 1")
    shot = tmp_path / "variance.png"
    shot.write_bytes(PNG)

    log_in(page, "keyuser", password)
    page.goto(f"{page.base_url}/p/{team.project.pk}/")
    page.get_by_role("link", name="Acceptance").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="UAT round 1").click()
    assert_accessible(page)
    page.get_by_role("link", name="Run", exact=True).click()
    page.get_by_role("button", name="Start the run").click()
    page.get_by_text("Run started").wait_for()
    assert_accessible(page)

    record(page, 1, "Passed")
    record(page, 2, "Failed", "Posted without a payment block", shot)
    step(page, 2).get_by_label("Severity").select_option("s2")
    step(page, 2).get_by_role("button", name="Raise a defect").click()
    page.get_by_text("Defect #1 raised in Issues.").wait_for()
    assert step(page, 2).get_by_role("img").is_visible()
    page.get_by_role("button", name="Finish the run").click()
    page.get_by_text("Run finished: Failed.").wait_for()
    assert_accessible(page)

    consultant = team.members[Role.APP_CONSULTANT]
    issue = Issue.objects.get()
    for status in (Issue.Status.TRIAGED, Issue.Status.IN_PROGRESS):
        issue = issue_services.issue_transition(issue=issue, to_status=status, actor=consultant)
    issue_services.issue_transition(issue=issue, to_status=Issue.Status.RESOLVED, actor=consultant, resolution="Fixed")

    page.get_by_role("link", name="Re-run this scenario").click()
    page.get_by_role("button", name="Start the run").click()
    page.get_by_text("Run started").wait_for()
    record(page, 1, "Passed")
    record(page, 2, "Passed")
    page.get_by_role("button", name="Finish the run").click()
    page.get_by_text("Run finished: Passed.").wait_for()
    page.get_by_role("link", name="UAT round 1").first.click()
    page.get_by_role("button", name="Sign off").click()
    page.get_by_text("Finance signed off in UAT round 1.").wait_for()
    assert "100.0 %" in page.locator("table").first.inner_text()
    assert_accessible(page)
    assert acceptance.ModuleSignOff.objects.filter(cycle=cycle, module=team.module).exists()


def test_the_planning_pages_are_accessible_to_a_consultant(page, team, password):
    scenario = scenario_make(module=team.module, reference="GL-010", title="Month-end close")
    cycle = cycle_make(project=team.project, scenarios=[scenario], name="UAT round 1")
    log_in(page, "consultant", password)
    base = f"{page.base_url}/p/{team.project.pk}/acceptance"
    for path in (
        "/",
        f"/cycles/{cycle.pk}/",
        f"/cycles/{cycle.pk}/edit/",
        f"/cycles/{cycle.pk}/runs/new/",
        f"/cycles/{cycle.pk}/modules/{team.module.pk}/exception/",
        "/scenarios/",
        f"/scenarios/{scenario.pk}/",
        f"/scenarios/{scenario.pk}/edit/",
        "/scenarios/import/",
        "/runs/",
    ):
        page.goto(base + path)
        assert_accessible(page)
