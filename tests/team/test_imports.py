"""Roster import: preview, confirmation, all-or-nothing, the Key User rule, encodings, broken files."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from modules.models import KeyUserAssignment, ModuleEndUser
from people.models import Membership, RosterImport, User
from team.roster import apply, services
from team.roster.parse import COLUMNS, roster_read
from tests.factories import MembershipFactory, UserFactory
from tests.team.conftest import HEADER, csv_bytes, snapshot, xlsx_bytes

pytestmark = pytest.mark.django_db

Role = Membership.Role

GOOD_ROWS = [
    ["Li Na", "li.na", "li.na@example.cn", "Finance", "key_user", "fin", "primary"],
    ["Chen Jie", "", "chen.jie@example.cn", "Finance", "end_user", "fin; wh", ""],
    ["Zhao Lei", "zhao.lei", "", "IT", "it_user", "", ""],
]


def preview(team, data: bytes, filename: str = "roster.csv") -> RosterImport:
    return services.roster_import_create(
        project=team.project, uploaded_by=team.user(Role.APP_CONSULTANT), filename=filename, data=data
    )


def confirm(roster_import) -> RosterImport:
    return services.roster_import_confirm(roster_import=roster_import)


def member(team, username) -> Membership:
    return Membership.objects.select_related("user").get(project=team.project, user__username=username)


def assert_good_rows_imported(team, warehouse):
    li_na, chen_jie, zhao_lei = member(team, "li.na"), member(team, "chen.jie@example.cn"), member(team, "zhao.lei")
    assert (li_na.role, li_na.department, li_na.user.get_full_name()) == (Role.KEY_USER, "Finance", "Li Na")
    assert chen_jie.role == Role.END_USER
    assert chen_jie.user.email == "chen.jie@example.cn"
    assert zhao_lei.role == Role.IT_USER
    kinds = dict(team.module.key_user_assignments.values_list("membership__user__username", "kind"))
    assert kinds == {"li.na": "primary", "keyuser": "backup"}
    worked_in = set(ModuleEndUser.objects.filter(membership=chen_jie).values_list("module__code", flat=True))
    assert worked_in == {"fin", "wh"}
    assert not li_na.user.has_usable_password()


def test_the_preview_writes_nothing_and_lists_what_would_be_created(team, warehouse):
    before = snapshot()
    roster_import = preview(team, csv_bytes(GOOD_ROWS))
    assert snapshot() == before
    assert roster_import.status == RosterImport.Status.PREVIEWED
    assert (roster_import.row_count, roster_import.create_count, roster_import.change_count) == (3, 3, 0)
    assert roster_import.problems == []
    li_na = roster_import.changes[0]
    assert (li_na["row"], li_na["person"], li_na["role"]) == (2, "Li Na", "Key User")
    assert li_na["lines"] == ["Key User of Finance (Primary)"]


def test_a_good_csv_is_imported_on_confirmation(team, warehouse):
    roster_import = confirm(preview(team, csv_bytes(GOOD_ROWS)))
    assert roster_import.status == RosterImport.Status.DONE
    assert roster_import.finished_at is not None
    assert_good_rows_imported(team, warehouse)


def test_a_good_xlsx_is_imported(team, warehouse):
    roster_import = confirm(preview(team, xlsx_bytes(GOOD_ROWS), "roster.xlsx"))
    assert roster_import.status == RosterImport.Status.DONE
    assert_good_rows_imported(team, warehouse)


def test_a_csv_with_a_bom_is_imported(team, warehouse):
    roster_import = confirm(preview(team, csv_bytes(GOOD_ROWS, encoding="utf-8-sig")))
    assert roster_import.status == RosterImport.Status.DONE
    assert_good_rows_imported(team, warehouse)


def test_a_gbk_csv_with_chinese_headers_and_values_is_imported(team, warehouse):
    header = ["姓名", "用户名", "邮箱", "部门", "角色", "模块", "关键用户"]
    rows = [
        ["李娜", "li.na", "", "财务部", "关键用户", "fin", "主"],
        ["陈杰", "chen.jie", "", "仓库", "最终用户", "wh", ""],
    ]
    roster_import = confirm(preview(team, csv_bytes(rows, header=header, encoding="gbk")))
    assert roster_import.status == RosterImport.Status.DONE, roster_import.problems
    li_na = member(team, "li.na")
    assert (li_na.user.first_name, li_na.department, li_na.role) == ("李娜", "财务部", Role.KEY_USER)
    assert team.module.key_user_assignments.get(kind="primary").membership == li_na
    assert member(team, "chen.jie").end_user_modules.get().module == warehouse


def test_existing_members_are_changed_and_existing_accounts_join(team, warehouse):
    outsider = team.outsider
    rows = [
        ["", "manager", "", "Steering committee", "manager", "", ""],
        ["", outsider.username, "", "", "it_user", "", ""],
        ["", "enduser", "", "", "key_user", "wh", "backup"],
    ]
    roster_import = preview(team, csv_bytes(rows))
    assert (roster_import.create_count, roster_import.change_count) == (1, 2)
    lines = {c["username"]: c["lines"] for c in roster_import.changes}
    assert lines["manager"] == ["Department: Operations → Steering committee"]
    assert lines["enduser"] == ["Role: End user → Key User", "Key User of Warehouse (Backup)"]
    assert roster_import.changes[1]["existing_account"] is True
    confirm(roster_import)
    assert member(team, "manager").department == "Steering committee"
    assert member(team, outsider.username).role == Role.IT_USER
    assert User.objects.filter(username=outsider.username).count() == 1
    assert warehouse.key_user_assignments.filter(membership__user__username="enduser", kind="backup").exists()


def test_a_file_that_removes_the_last_key_user_of_a_module_is_refused_and_writes_nothing(team):
    keyuser = team.user(Role.KEY_USER)
    rows = [[keyuser.get_full_name(), "keyuser", "", "", "end_user", "", ""]]
    before = snapshot()
    roster_import = preview(team, csv_bytes(rows))
    assert roster_import.problems == [
        {
            "row": 2,
            "column": "role",
            "message": f"{keyuser.display_name} is the only Key User of Finance; assign another Key User first.",
        }
    ]
    with pytest.raises(ValidationError, match="The file has problems"):
        confirm(roster_import)
    assert snapshot() == before


def test_dropping_a_module_from_its_last_key_user_in_the_modules_column_is_refused(team, warehouse):
    rows = [["", "min.zhang", "", "", "key_user", "fin", ""]]
    roster_import = preview(team, csv_bytes(rows))
    assert [(p["row"], p["column"]) for p in roster_import.problems] == [(2, "modules")]
    assert "only Key User of Warehouse" in roster_import.problems[0]["message"]


def test_handing_a_module_to_a_new_key_user_in_the_same_file_works(team):
    rows = [
        ["", "keyuser", "", "", "end_user", "", ""],
        ["Wang Fang", "wang.fang", "", "Finance", "key_user", "fin", "primary"],
    ]
    roster_import = confirm(preview(team, csv_bytes(rows)))
    assert roster_import.status == RosterImport.Status.DONE, roster_import.problems
    assert list(team.module.key_user_assignments.values_list("membership__user__username", "kind")) == [
        ("wang.fang", "primary")
    ]
    assert member(team, "keyuser").role == Role.END_USER


def test_a_key_user_moved_to_other_modules_is_unassigned_from_the_old_ones(team, warehouse):
    MembershipFactory(project=team.project, role=Role.KEY_USER, user=UserFactory(username="backup.ku"))
    rows = [
        ["", "backup.ku", "", "", "key_user", "fin", ""],
        ["", "keyuser", "", "", "key_user", "wh", ""],
    ]
    roster_import = confirm(preview(team, csv_bytes(rows)))
    assert roster_import.status == RosterImport.Status.DONE, roster_import.problems
    assert list(team.module.key_user_assignments.values_list("membership__user__username", "kind")) == [
        ("backup.ku", "primary")
    ]
    assert set(warehouse.key_user_assignments.values_list("membership__user__username", flat=True)) == {
        "min.zhang",
        "keyuser",
    }


def test_a_file_is_checked_again_against_the_team_as_it_is_at_confirmation(team):
    from modules.services import key_user_assign, key_user_unassign

    backup = MembershipFactory(project=team.project, role=Role.KEY_USER)
    assignment = key_user_assign(module=team.module, membership=backup)
    roster_import = preview(team, csv_bytes([["", "keyuser", "", "", "end_user", "", ""]]))
    assert roster_import.problems == []
    key_user_unassign(assignment=assignment)  # meanwhile, the backup leaves the module
    before = snapshot()
    roster_import = confirm(roster_import)
    assert roster_import.status == RosterImport.Status.FAILED
    assert [(p["row"], p["column"]) for p in roster_import.problems] == [(2, "role")]
    assert "is the only Key User of Finance" in roster_import.problems[0]["message"]
    assert snapshot() == before


def test_an_import_cannot_be_confirmed_twice(team, warehouse):
    roster_import = confirm(preview(team, csv_bytes(GOOD_ROWS)))
    with pytest.raises(ValidationError, match="already been confirmed"):
        confirm(roster_import)


def test_the_roster_export_reads_back_as_an_import_that_changes_nothing(team, warehouse):
    confirm(preview(team, csv_bytes(GOOD_ROWS)))
    response = team.client_for(Role.APP_CONSULTANT).get(f"/p/{team.project.pk}/team/export/?format=xlsx")
    roster_import = preview(team, response.content, "export.xlsx")
    assert services.blocking_problems(roster_import) == []
    assert roster_import.problems[0]["message"] == "These columns are not imported: active."
    assert (roster_import.create_count, roster_import.change_count) == (0, 0)


def test_the_template_reads_back_without_problems(team, warehouse):
    response = team.client_for(Role.APP_CONSULTANT).get(f"/p/{team.project.pk}/team/import/template/?format=xlsx")
    roster_import = preview(team, response.content, "template.xlsx")
    assert roster_import.problems == []
    assert roster_import.create_count == 3


# --- broken files: each refused with its row and column, nothing written -------------------------------

ROW_PROBLEMS = [
    pytest.param(
        [["Li Na", "li.na", "", "", "key_user", "hr", ""]],
        (2, "modules", "Unknown module “hr”. This project's module codes: fin, wh."),
        id="unknown module",
    ),
    pytest.param(
        [["Li Na", "li.na", "", "", "boss", "", ""]],
        (2, "role", "Unknown role “boss”."),
        id="unknown role",
    ),
    pytest.param(
        [["Li Na", "li.na", "", "", "it_user", "", ""], ["Li Na", "li.na", "", "", "manager", "", ""]],
        (3, "username", "This person is already on row 2."),
        id="duplicate person",
    ),
    pytest.param(
        [["Li Na", "", "li.na@", "", "it_user", "", ""]],
        (2, "email", "“li.na@” is not a valid email address."),
        id="malformed email",
    ),
    pytest.param(
        [["Li Na", "li na!", "", "", "it_user", "", ""]],
        (2, "username", "“li na!” is not a valid username"),
        id="malformed username",
    ),
    pytest.param(
        [["Li Na", "", "", "", "it_user", "", ""]],
        (2, "username", "Give a username or an email address."),
        id="no username or email",
    ),
    pytest.param(
        [["", "li.na", "", "", "it_user", "", ""]],
        (2, "name", "Give the name of this new person."),
        id="new person without a name",
    ),
    pytest.param(
        [["Li Na", "li.na", "", "", "manager", "fin", ""]],
        (2, "modules", "Only Key Users and end users are assigned to modules"),
        id="modules for a manager",
    ),
    pytest.param(
        [["Li Na", "li.na", "", "", "key_user", "fin", "maybe"]],
        (2, "key_user", "Write primary or backup, or leave the cell empty."),
        id="unknown Key User kind",
    ),
    pytest.param(
        [["Li Na", "li.na", "", "", "end_user", "fin", "primary"]],
        (2, "key_user", "Only Key Users are primary or backup"),
        id="an end user as primary",
    ),
    pytest.param(
        [
            ["Li Na", "li.na", "", "", "key_user", "fin", "primary"],
            ["Wu Fang", "wu.fang", "", "", "key_user", "fin", "primary"],
        ],
        (3, "key_user", "Row 2 already makes someone else primary Key User of Finance."),
        id="two primaries",
    ),
    pytest.param(
        [["", "keyuser", "", "", "key_user", "fin", "backup"]],
        (2, "key_user", "is the primary Key User of Finance; make another Key User primary in the file."),
        id="the only primary demoted",
    ),
    pytest.param(
        [["Li Na", "li.na", "", "x" * 101, "it_user", "", ""]],
        (2, "department", "The department may have at most 100 characters."),
        id="department too long",
    ),
]


@pytest.mark.parametrize(("rows", "problem"), ROW_PROBLEMS)
def test_a_broken_row_is_reported_with_its_row_and_column_and_nothing_is_written(team, warehouse, rows, problem):
    before = snapshot()
    roster_import = preview(team, csv_bytes(rows))
    row, column, message = problem
    assert [(p["row"], p["column"]) for p in roster_import.problems] == [(row, column)]
    assert message in roster_import.problems[0]["message"]
    with pytest.raises(ValidationError):
        confirm(roster_import)
    assert snapshot() == before


FILE_PROBLEMS = [
    pytest.param(b"", "roster.csv", "The file is empty.", id="empty file"),
    pytest.param(b"%PDF-1.7", "roster.pdf", "Upload a .csv or .xlsx file.", id="not a spreadsheet"),
    pytest.param(b"PK\x03\x04 broken", "roster.xlsx", "cannot be opened", id="damaged xlsx"),
    pytest.param(
        "name,username,role\n李娜,li.na,key_user\n".encode("utf-16"), "roster.csv", "not readable text", id="utf-16"
    ),
    pytest.param(b"name,username\nLi Na,li.na\n", "roster.csv", "Missing column: role.", id="no role column"),
    pytest.param(b"name,role\nLi Na,it_user\n", "roster.csv", "Missing column: username or email", id="no identity"),
    pytest.param(csv_bytes([]), "roster.csv", "a header row but no people", id="header only"),
    pytest.param(b"name,username,role\nLi,li,it_user,extra\n", "roster.csv", "Row 2 has more cells", id="extra cells"),
    pytest.param(b"username,role,role\nli,it_user,it_user\n", "roster.csv", "Column named twice: role.", id="twice"),
]


@pytest.mark.parametrize(("data", "filename", "message"), FILE_PROBLEMS)
def test_an_unreadable_file_is_refused_with_a_clear_message(team, data, filename, message):
    before = snapshot()
    with pytest.raises(ValidationError, match=message.replace(".", r"\.")):
        preview(team, data, filename)
    assert not RosterImport.objects.exists()
    assert snapshot() == before


# --- large files: through the Celery task, with progress -----------------------------------------------


def big_file(n: int) -> bytes:
    rows = []
    for i in range(n):
        if i % 50 == 0:
            rows.append([f"Key User {i}", f"ku{i:05}", f"ku{i:05}@example.cn", "Ops", "key_user", "fin", "backup"])
        else:
            modules = "fin; wh" if i % 2 else "wh"
            rows.append([f"End User {i}", f"eu{i:05}", f"eu{i:05}@example.cn", "Ops", "end_user", modules, ""])
    return csv_bytes(rows)


def test_a_10000_row_file_runs_in_the_task_and_reports_progress(
    team, warehouse, django_capture_on_commit_callbacks, monkeypatch
):
    roster_import = preview(team, big_file(10_000))
    assert roster_import.problems == []
    assert roster_import.create_count == 10_000
    progress = []
    monkeypatch.setattr(
        apply.cache, "set", lambda key, value, timeout: progress.append(value) if "roster-import" in key else None
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = confirm(roster_import)
    assert queued.status == RosterImport.Status.QUEUED
    assert Membership.objects.filter(project=team.project).count() == 7  # nothing yet
    for callback in callbacks:  # the worker picks the task up after the commit
        callback()
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.DONE
    assert progress == list(range(500, 10_001, 500))
    assert Membership.objects.filter(project=team.project).count() == 10_007
    assert team.module.key_user_assignments.count() == 1 + 200
    assert ModuleEndUser.objects.filter(module=warehouse).count() == 9_800
    assert roster_import.rows == []


def test_the_task_does_nothing_for_an_import_that_is_not_queued(team, warehouse):
    from team.tasks import roster_import_run

    roster_import = confirm(preview(team, csv_bytes(GOOD_ROWS)))
    before = snapshot()
    assert roster_import_run.delay(roster_import.pk).get() == RosterImport.Status.DONE
    assert snapshot() == before


def test_the_sweep_restarts_imports_left_queued(team, warehouse, time_machine):
    from team.tasks import roster_imports_sweep

    time_machine.move_to("2026-11-01 09:00:00+00:00")
    roster_import = preview(team, csv_bytes(GOOD_ROWS))
    RosterImport.objects.filter(pk=roster_import.pk).update(status=RosterImport.Status.QUEUED)
    time_machine.move_to("2026-11-01 09:10:00+00:00")
    assert roster_imports_sweep() == 1
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.DONE
    assert KeyUserAssignment.objects.filter(membership__user__username="li.na").exists()


def test_the_header_row_matches_the_documented_columns():
    assert tuple(HEADER) == COLUMNS


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_downloaded_roster_with_formula_like_text_imports_back_as_it_was(team, file_format):
    """The download writes "-Li" as "'-Li" (so no spreadsheet runs it); the import drops that quote."""
    user = UserFactory(username="li", first_name="-Li", last_name="Wang")
    membership = MembershipFactory(project=team.project, user=user, role=Role.IT_USER, department="=Ops")
    client = team.client_for(Role.APP_CONSULTANT)
    data = client.get(reverse("people:export", args=[team.project.pk]), {"format": file_format}).content
    rows, _ignored = roster_read(data, filename=f"team.{file_format}")
    assert [(cells["name"], cells["department"]) for _n, cells in rows if cells["username"] == "li"] == [
        ("-Li Wang", "=Ops")
    ]
    Membership.objects.filter(pk=membership.pk).update(department="Changed")
    roster_import = preview(team, data, f"team.{file_format}")
    assert services.blocking_problems(roster_import) == []
    assert confirm(roster_import).status == RosterImport.Status.DONE
    membership.refresh_from_db()
    assert membership.department == "=Ops"
