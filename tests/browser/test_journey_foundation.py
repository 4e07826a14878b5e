"""A person logs in through the form, finds their project and reads its modules and Key Users."""

import pytest

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
