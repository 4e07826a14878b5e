"""In a browser: `consultant` plans a rollout from scratch — a new project, a module from the catalog
with a Key User added on the spot, a roster import, a deliverable signed off — and the Key User rule
refuses what would break it. The pages pass axe's checks."""

import pytest

from modules.models import BusinessModule
from people.models import Membership
from projects.models import Project
from tests.browser.conftest import assert_accessible, log_in
from tests.team.conftest import csv_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Role = Membership.Role


def test_a_consultant_plans_a_rollout_from_scratch(page, team, password, tmp_path):
    log_in(page, "consultant", password)
    page.get_by_role("link", name="New project").click()
    assert_accessible(page)
    page.get_by_label("Code").fill("acme-s4")
    page.get_by_label("Name").fill("Acme S/4HANA rollout")
    page.get_by_label("Client").fill("Acme Machinery")
    page.get_by_label("ERP product").fill("SAP S/4HANA 2023")
    page.get_by_label("Start date").fill("2026-03-02")
    page.get_by_label("Target go-live").fill("2026-12-01")
    page.get_by_role("button", name="Create the project").click()
    page.get_by_text("Project Acme S/4HANA rollout created.").wait_for()
    project = Project.objects.get(code="acme-s4")

    # A module from the catalog, its Key User added right on the form; without one it is refused.
    page.get_by_role("link", name="Add a module").first.click()
    page.get_by_role("link", name="Inventory and warehouse").click()
    assert page.get_by_label("Code").input_value() == "wm"
    page.get_by_role("button", name="Add the module").click()
    page.get_by_text("Every business module has at least one Key User. Choose one").wait_for()
    assert page.get_by_label("Code").input_value() == "wm"
    page.get_by_text("…or add a new person as Key User").click()
    page.get_by_label("First name").fill("Min")
    page.get_by_label("Last name").fill("Zhang")
    page.get_by_label("Username").fill("min.zhang")
    assert_accessible(page)
    page.get_by_role("button", name="Add the module").click()
    page.get_by_text("Inventory and warehouse added with its Key Users and standard deliverables.").wait_for()
    assert_accessible(page)
    module = BusinessModule.objects.get(project=project, code="wm")

    # The only Key User cannot be removed: the page says why.
    assignment = module.key_user_assignments.get()
    page.goto(f"{page.base_url}/p/{project.pk}/modules/{module.pk}/key-users/{assignment.pk}/remove/")
    page.get_by_role("button", name="Remove").click()
    refusal = "Min Zhang is the only Key User of Inventory and warehouse; assign another Key User first."
    page.get_by_text(refusal).wait_for()

    # The team from a roster file: preview, then confirm.
    roster = tmp_path / "roster.csv"
    roster.write_bytes(
        csv_bytes(
            [
                ["Li Na", "li.na", "li.na@acme.example", "Warehouse", "key_user", "wm", "backup"],
                ["Chen Jie", "chen.jie", "", "Warehouse", "end_user", "wm", ""],
            ]
        )
    )
    page.goto(f"{page.base_url}/p/{project.pk}/team/")
    assert_accessible(page)
    page.get_by_role("link", name="Import a roster").click()
    page.get_by_label("Roster file").set_input_files(str(roster))
    page.get_by_role("button", name="Preview").click()
    page.get_by_text("What would be imported").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm the import").click()
    page.get_by_text("The roster is imported.").wait_for()
    assert set(module.key_user_assignments.values_list("membership__user__username", "kind")) == {
        ("min.zhang", "primary"),
        ("li.na", "backup"),
    }
    assert module.end_users.get().membership.user.username == "chen.jie"

    # A deliverable signed off, and the overview shows it.
    page.goto(f"{page.base_url}/p/{project.pk}/modules/{module.pk}/")
    page.get_by_role("link", name="Update Master data").click()
    page.get_by_label("Status").select_option("signed_off")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Deliverable saved.").wait_for()
    page.get_by_role("link", name="Overview").click()
    page.get_by_text("1/6 signed off").first.wait_for()
    assert_accessible(page)
