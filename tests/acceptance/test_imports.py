"""Test scripts from spreadsheets: preview with row-numbered errors, all or nothing, and back out."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from acceptance import imports
from acceptance import models as acceptance
from acceptance.models import Result
from modules import services as module_services
from people.models import Membership
from tests.acceptance.factories import cycle_make, run_make, scenario_make
from tests.factories import MembershipFactory, module_make

pytestmark = pytest.mark.django_db

Role = Membership.Role
HEADER = ["Scenario ID", "Module", "Title", "Business process", "Modules touched", "Owner", "Priority", "Step",
          "Action", "Expected result"]  # fmt: skip


@pytest.fixture
def purchasing(team):
    return module_make(project=team.project, code="mm-pur", name="Purchasing")


def script_rows(team) -> list[list]:
    return [
        ["AP-010", "fin", "Three-way match", "Procure to pay", "mm-pur", "keyuser", "high", 2, "Post the goods receipt",
         "Stock rises by 100"],
        ["AP-010", "", "", "", "", "", "", 1, "Create the purchase order", "Order released"],
        ["AP-010", "fin", "Three-way match", "", "", "", "", 3, "Enter the invoice", "Invoice matched"],
        ["AP-020", "Finance", "Blocked invoice", "采购到付款", "", "", "", 1, "Enter a 14.00 invoice",
         "Blocked for payment"],
    ]  # fmt: skip


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding: str, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def read(team, data: bytes, filename: str, role=Role.APP_CONSULTANT):
    return imports.scenarios_read(data=data, filename=filename, project=team.project, membership=team.members[role])


def import_(team, data: bytes, filename: str, role=Role.APP_CONSULTANT):
    return imports.scenarios_import(preview=read(team, data, filename, role), project=team.project)


def check_imported(team, purchasing):
    first, second = acceptance.TestScenario.objects.filter(project=team.project).order_by("reference")
    assert (first.reference, first.title, first.business_process, first.priority) == (
        "AP-010",
        "Three-way match",
        "Procure to pay",
        "high",
    )
    assert first.owner == team.members[Role.KEY_USER]
    assert list(first.related_modules.all()) == [purchasing]
    assert [(s.order, s.action) for s in first.steps.all()] == [
        (1, "Create the purchase order"),
        (2, "Post the goods receipt"),
        (3, "Enter the invoice"),
    ]
    assert (second.module, second.business_process, second.priority) == (team.module, "采购到付款", "medium")


def test_a_good_xlsx_script_is_previewed_then_imported(team, purchasing):
    preview = read(team, xlsx(script_rows(team)), "script.xlsx")
    assert preview.errors == []
    assert (preview.created, preview.updated, preview.step_count) == (2, 0, 4)
    assert not acceptance.TestScenario.objects.exists()  # a preview writes nothing
    imports.scenarios_import(preview=preview, project=team.project)
    check_imported(team, purchasing)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_a_good_csv_script_in_utf8_with_bom_or_gbk_is_imported(team, purchasing, encoding):
    preview = import_(team, csv_bytes(script_rows(team), encoding), "script.csv")
    assert preview.errors == []
    check_imported(team, purchasing)


def test_an_exported_script_comes_back_as_an_update(team, purchasing):
    import_(team, xlsx(script_rows(team)), "script.xlsx")
    rows = list(imports.scenario_rows(acceptance.TestScenario.objects.filter(project=team.project)))
    rows[0][2] = "Three-way match, changed in Excel"
    data = xlsx(rows, header=imports.HEADER)
    preview = import_(team, data, "back.xlsx")
    assert preview.errors == []
    assert (preview.created, preview.updated) == (0, 2)
    assert acceptance.TestScenario.objects.get(reference="AP-010").title == "Three-way match, changed in Excel"
    assert acceptance.TestStep.objects.count() == 4


def test_a_scenario_without_steps_goes_out_and_comes_back(team):
    scenario_make(module=team.module, reference="AP-090", steps=0)
    rows = list(imports.scenario_rows(acceptance.TestScenario.objects.filter(project=team.project)))
    assert import_(team, xlsx(rows, header=imports.HEADER), "back.xlsx").errors == []


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_downloaded_script_with_formula_like_text_comes_back_unchanged(team, file_format):
    """The download writes "-Li" as "'-Li" (so no spreadsheet runs it); the import drops that quote."""
    scenario = scenario_make(module=team.module, reference="AP-020", title="-Li checks", business_process="=P2P")
    acceptance.TestStep.objects.filter(scenario=scenario, order=1).update(action="+1 more", expected_result="@done")
    client = team.client_for(Role.APP_CONSULTANT)
    url = reverse("acceptance:scenario_export", args=[team.project.pk])
    data = client.get(url, {"format": file_format}).content
    if file_format == "csv":
        assert "'-Li checks" in data.decode("utf-8-sig")
    acceptance.TestScenario.objects.filter(pk=scenario.pk).update(title="changed", business_process="changed")
    preview = import_(team, data, f"back.{file_format}")
    assert preview.errors == []
    scenario.refresh_from_db()
    assert (scenario.title, scenario.business_process) == ("-Li checks", "=P2P")
    step = scenario.steps.get(order=1)
    assert (step.action, step.expected_result) == ("+1 more", "@done")


def test_a_reimport_replaces_the_steps_and_recorded_runs_keep_theirs(team, purchasing):
    import_(team, xlsx(script_rows(team)), "script.xlsx")
    scenario = acceptance.TestScenario.objects.get(reference="AP-020")
    cycle = cycle_make(project=team.project, scenarios=[scenario])
    run = run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.KEY_USER], results=[Result.PASSED])
    rows = [["AP-020", "fin", "Blocked invoice", "P2P", "", "", "", 1, "Enter a 15.00 invoice", "Blocked"]]
    assert import_(team, xlsx(rows), "again.xlsx").errors == []
    assert scenario.steps.get().action == "Enter a 15.00 invoice"
    assert run.step_results.get().action == "Enter a 14.00 invoice"


def messages_for(team, rows, role=Role.APP_CONSULTANT) -> list[str]:
    preview = import_(team, csv_bytes(rows, "utf-8"), "broken.csv", role)
    assert not acceptance.TestScenario.objects.exists(), "a broken file writes nothing"
    assert not acceptance.TestStep.objects.exists()
    return preview.errors


def test_a_broken_script_lists_every_problem_with_its_row_and_writes_nothing(team, purchasing):
    rows = [
        ["AP-010", "fin", "Three-way match", "Procure to pay", "", "", "", 1, "Create the order", "Released"],
        ["AP-010", "fin", "Another title", "", "", "", "", 1, "Duplicate step", "x"],
        ["", "fin", "No ID", "P2P", "", "", "", 1, "a", "b"],
        ["AP-020", "hr", "Unknown module", "P2P", "", "", "", 1, "a", "b"],
        ["AP-030", "fin", "Bad step", "P2P", "", "", "", "two", "a", "b"],
        ["AP-040", "fin", "Bad owner", "P2P", "xx", "manager", "urgent", 1, "a", ""],
        ["AP-050", "fin", "", "", "", "", "", 1, "a", "b"],
    ]
    errors = messages_for(team, rows)
    assert errors == [
        "Row 3: the title of AP-010 differs from row 2; repeat it or leave it empty.",
        "Row 3: step 1 of AP-010 is already on row 2.",
        "Row 4: the scenario ID is empty.",
        "Row 5: there is no module “hr” in this project (give its code or its name).",
        "Row 6: the step number “two” is not a whole number from 1.",
        "Row 7: there is no module “xx” in this project.",
        "Row 7: manager is not a Key User of Finance.",
        "Row 7: the priority “urgent” is not high, medium or low.",
        "Row 7: a step needs both an action and an expected result.",
        "Row 8: the title of AP-050 is empty.",
        "Row 8: the business process of AP-050 is empty.",
    ]


def test_one_bad_row_among_good_ones_writes_nothing(team, purchasing):
    rows = [*script_rows(team), ["AP-030", "nope", "x", "y", "", "", "", 1, "a", "b"]]
    assert messages_for(team, rows) == ["Row 6: there is no module “nope” in this project (give its code or its name)."]


def test_a_key_user_imports_only_their_modules_scenarios(team, purchasing):
    rows = [
        ["AP-010", "fin", "Mine", "P2P", "", "", "", 1, "a", "b"],
        ["PUR-010", "mm-pur", "Not mine", "P2P", "", "", "", 1, "a", "b"],
    ]
    assert messages_for(team, rows, role=Role.KEY_USER) == [
        "Row 3: you are not a Key User of Purchasing, so you cannot write its scenarios."
    ]


def test_a_scenario_that_was_run_cannot_move_to_another_module(team, purchasing):
    scenario = scenario_make(module=team.module, reference="AP-010")
    cycle = cycle_make(project=team.project, scenarios=[scenario])
    run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.KEY_USER])
    rows = [["AP-010", "mm-pur", "Moved", "P2P", "", "", "", 1, "a", "b"]]
    preview = import_(team, csv_bytes(rows, "utf-8"), "move.csv")
    assert preview.errors == ["Row 2: AP-010 has been run in Finance; it cannot move to another module."]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"Scenario ID,Module\nAP-1,fin\n", "short.csv", "Missing columns: title, business_process, step"),
        (b"PK\x03\x04 not really a workbook", "fake.xlsx", "cannot be opened"),
        (b"\x89PNG\r\n", "picture.png", "Upload a .csv or .xlsx file."),
        (csv_bytes([], "utf-8"), "header-only.csv", "The file has a header but no rows."),
    ],
)
def test_a_file_that_cannot_be_read_says_why(team, data, filename, message):
    preview = read(team, data, filename)
    assert len(preview.errors) == 1
    assert message in preview.errors[0]
    assert not preview.is_valid


def test_the_owner_may_be_given_by_login_or_email_and_must_be_a_key_user_of_the_module(team):
    backup = MembershipFactory(project=team.project, role=Role.KEY_USER)
    module_services.key_user_assign(module=team.module, membership=backup)
    rows = [
        ["AP-010", "fin", "t", "p", "", backup.user.email.upper(), "", 1, "a", "b"],
        ["AP-020", "fin", "t", "p", "", backup.user.username, "", 1, "a", "b"],
    ]
    preview = read(team, csv_bytes(rows, "utf-8"), "owners.csv")
    assert [s.owner for s in preview.scenarios] == [backup, backup]


# --- through the page --------------------------------------------------------------------------------------


def test_the_import_page_previews_then_imports_on_confirmation(team, purchasing):
    client = team.client_for(Role.KEY_USER)
    url = reverse("acceptance:scenario_import", args=[team.project.pk])
    upload = io.BytesIO(xlsx([r for r in script_rows(team)]))
    upload.name = "script.xlsx"
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    assert "2 new and 0 updated scenarios, 4 steps" in response.content.decode()
    assert not acceptance.TestScenario.objects.exists()
    confirm = response.context["confirm"]
    response = client.post(url, {"data": confirm.initial["data"], "filename": confirm.initial["filename"]})
    assert response.status_code == 302
    assert acceptance.TestScenario.objects.count() == 2


def test_the_import_page_shows_the_row_numbered_errors_and_no_import_button(team):
    client = team.client_for(Role.APP_CONSULTANT)
    upload = io.BytesIO(csv_bytes([["AP-1", "hr", "t", "p", "", "", "", 1, "a", "b"]], "utf-8-sig"))
    upload.name = "broken.csv"
    response = client.post(reverse("acceptance:scenario_import", args=[team.project.pk]), {"file": upload})
    page = response.content.decode()
    assert "Row 2: there is no module “hr” in this project" in page
    assert "Import these scenarios" not in page


def test_a_tampered_confirmation_imports_nothing(team):
    client = team.client_for(Role.APP_CONSULTANT)
    response = client.post(
        reverse("acceptance:scenario_import", args=[team.project.pk]), {"data": "not base64!", "filename": "x.csv"}
    )
    assert response.status_code == 200
    assert "upload it again" in response.content.decode()
    assert not acceptance.TestScenario.objects.exists()


def test_the_export_is_the_script_in_the_import_columns(team, purchasing):
    import_(team, xlsx(script_rows(team)), "script.xlsx")
    client = team.client_for(Role.MANAGER)
    response = client.get(reverse("acceptance:scenario_export", args=[team.project.pk]), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == imports.HEADER
    assert rows[1] == ("AP-010", "fin", "Three-way match", "Procure to pay", "mm-pur", "keyuser", "high", None, 1,
                       "Create the purchase order", "Order released")  # fmt: skip
    assert rows[2] == ("AP-010", None, None, None, None, None, None, None, 2, "Post the goods receipt",
                       "Stock rises by 100")  # fmt: skip
    assert len(rows) == 5
    csv_response = client.get(reverse("acceptance:scenario_export", args=[team.project.pk]), {"module": purchasing.pk})
    assert csv_response.content.startswith(b"\xef\xbb\xbfScenario ID")
    assert csv_response.content.decode("utf-8-sig").count("\n") == 1  # the filter applies: header only
