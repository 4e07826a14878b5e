"""A person logs in through the form, finds their project and reads its modules and Key Users."""

import pytest
from django.core import mail

from people.models import Membership
from tests.browser.conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Role = Membership.Role


def test_a_member_logs_in_and_reads_the_project(page, team, password):
    log_in(page, "consultant", password)
    assert page.get_by_role("heading", name="My work").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Demo rollout").click()
    page.get_by_role("cell", name="Finance").first.wait_for()
    assert team.members[Role.KEY_USER].user.display_name in page.content()
    assert_accessible(page)


def test_the_language_switch_turns_the_page_chinese_and_is_remembered(page, team, password):
    log_in(page, "manager", password)
    with page.expect_navigation():
        page.get_by_label("Language").select_option("zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    manager = team.user(Role.MANAGER)
    manager.refresh_from_db()
    assert manager.language == "zh-hans"


def test_a_consultant_invites_a_new_member_who_chooses_a_password_and_logs_in(page, team, password, settings):
    settings.SITE_URL = page.base_url
    log_in(page, "consultant", password)
    page.goto(f"{page.base_url}/p/{team.project.pk}/team/add/")
    page.get_by_label("First name").fill("Wei")
    page.get_by_label("Last name").fill("Li")
    page.get_by_label("Username").fill("li.wei")
    page.get_by_label("Email").fill("li.wei@example.com")
    page.get_by_label("Role in this project").select_option("end_user")
    page.get_by_role("button", name="Add to the team").click()
    page.get_by_role("link", name="Invite Wei Li").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send the email").click()
    page.get_by_text("The email to Wei Li is sent.").wait_for()
    (message,) = mail.outbox
    (link,) = [line for line in message.body.splitlines() if line.startswith(page.base_url)]

    page.context.clear_cookies()  # Li Wei, on their own computer
    page.goto(link)
    page.locator("#id_new_password1").fill("Tangerine-Forklift-42")  # labels end in a required mark
    page.locator("#id_new_password2").fill("Tangerine-Forklift-42")
    assert_accessible(page)
    page.get_by_role("button", name="Set my password").click()
    page.get_by_text("Your password is set").wait_for()
    page.get_by_role("link", name="Log in").last.click()
    log_in(page, "li.wei", "Tangerine-Forklift-42")
    assert page.get_by_role("heading", name="My work").is_visible()
