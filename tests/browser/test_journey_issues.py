"""In a browser: `keyuser` logs an issue for `enduser`, proposes two alternatives and escalates it;
`consultant` decides and resolves it; `enduser` reads the outcome. The pages pass axe's checks."""

import pytest

from issues.models import Issue
from people.models import Membership
from tests.browser.conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Role = Membership.Role


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")


def open_issue(page, team, issue) -> None:
    page.goto(f"{page.base_url}/p/{team.project.pk}/issues/{issue.pk}/")


def test_an_issue_from_logging_to_decision_and_resolution(page, team, password):
    log_in(page, "keyuser", password)
    page.goto(f"{page.base_url}/p/{team.project.pk}/")
    page.get_by_role("link", name="Issues").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Log an issue").click()
    page.get_by_label("Module").select_option(label="Finance")
    page.get_by_label("Affected end user").select_option(index=1)
    page.get_by_label("Title").fill("Withholding tax posts to the wrong account")
    page.get_by_label("Category").select_option("defect")
    page.get_by_label("Severity").select_option("s2")
    assert_accessible(page)
    page.get_by_role("button", name="Log issue").click()
    page.get_by_text("Issue #1 logged.").wait_for()
    for summary in ("Fix the account determination", "Monthly reclassification"):
        if not page.get_by_label("Summary").is_visible():
            page.get_by_role("button", name="Propose an alternative").click()
        page.get_by_label("Summary").fill(summary)
        page.get_by_role("button", name="Add alternative").click()
        page.get_by_text("Alternative added.").wait_for()
    page.get_by_role("button", name="Recommend").first.click()
    page.get_by_role("button", name="Escalate…").click()
    page.get_by_label("Escalate to").select_option("consultant")
    page.get_by_label("Why").fill("Tax configuration is outside what a Key User can change.")
    page.get_by_role("button", name="Escalate", exact=True).click()
    page.get_by_text("Issue escalated").wait_for()
    assert_accessible(page)
    log_out(page)

    issue = Issue.objects.get()
    log_in(page, "consultant", password)
    open_issue(page, team, issue)
    page.get_by_label("Chosen alternative").select_option(label="Fix the account determination")
    page.locator("#id_decision_reason").fill("Standard fix, one transport.")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("Decision recorded.").wait_for()
    page.get_by_role("button", name="Triage").click()
    page.get_by_role("button", name="Resolve…").click()
    page.get_by_label("Resolution").fill("Account determination corrected; invoice re-posted.")
    page.get_by_role("button", name="Resolve", exact=True).click()
    page.get_by_text("Status changed.").wait_for()
    log_out(page)

    log_in(page, "enduser", password)
    open_issue(page, team, issue)
    assert "Account determination corrected" in page.get_by_role("status").filter(has_text="Resolution").inner_text()
    assert page.get_by_text("Decision: Fix the account determination").is_visible()
    assert_accessible(page)
