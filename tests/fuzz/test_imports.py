"""Both imports take arbitrary files through their pages (hypothesis): a roster or a test script of any
cells — text, numbers, dates, roles, modules and people that exist or not — as CSV (UTF-8 or GBK) or
Excel, and files that are not tables at all. No answer is a server error; an import that is refused
writes nothing (the roster preview's own record aside); one that goes through keeps every module with a
Key User."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acceptance.imports import HEADER as SCRIPT_HEADER
from erpteam.tabular import table_bytes
from modules.models import BusinessModule
from people.models import Membership, RosterImport
from team.roster.parse import COLUMNS as ROSTER_COLUMNS
from tests.fuzz.database import changed_tables, database_state
from tests.fuzz.strategies import TRICKY

pytestmark = pytest.mark.django_db

Role = Membership.Role
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8")) * 3

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

# Excel cannot hold control characters: the spreadsheet cells leave them out (CSV cells keep them).
cell_text = st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=60)
cells = st.one_of(
    st.sampled_from([t for t in TRICKY if "\x00" not in t]),
    cell_text,
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.dates().map(str),
    st.floats(allow_nan=False).map(str),
)


def rows_like(valid: list[dict]):
    """Rows that import as they are, the same with one or two cells changed to anything, or any cells at
    all: files that go through as well as files refused at every check."""
    columns = list(valid[0])
    good = st.sampled_from(valid)
    changed = st.tuples(good, st.lists(st.tuples(st.sampled_from(columns), cells), min_size=1, max_size=2)).map(
        lambda pair: {**pair[0], **dict(pair[1])}
    )
    anything = st.fixed_dictionaries({column: cells for column in columns})
    return st.one_of(good, changed, anything)


def table_files(header: list[str], row):
    """A table with this header and up to four rows, as UTF-8 CSV, GBK CSV or Excel; or any bytes."""
    rows = st.lists(row, min_size=1, max_size=4).map(lambda rows: [[r[column] for column in header] for r in rows])
    csv_utf8 = rows.map(lambda rows: ("table.csv", table_bytes(header=header, rows=rows, file_format="csv")))
    csv_gbk = rows.map(
        lambda rows: (
            "table.csv",
            table_bytes(header=header, rows=rows, file_format="csv")
            .decode("utf-8-sig")
            .encode("gbk", errors="replace"),
        )
    )
    xlsx = rows.map(lambda rows: ("table.xlsx", table_bytes(header=header, rows=rows, file_format="xlsx")))
    garbage = st.tuples(st.sampled_from(["table.csv", "table.xlsx", "table.txt", "table.pdf"]), st.binary(max_size=512))
    return st.one_of(csv_utf8, csv_utf8, csv_gbk, xlsx, garbage)


ROSTER_ROWS = [
    {
        "name": "Li Wei",
        "username": "li.wei",
        "email": "li.wei@example.com",
        "department": "Finance",
        "role": "end_user",
        "modules": "fin",
        "key_user": "",
    },
    {
        "name": "王芳",
        "username": "wang.fang",
        "email": "",
        "department": "财务部",
        "role": "key_user",
        "modules": "fin",
        "key_user": "backup",
    },
    {
        "name": "",
        "username": "keyuser",
        "email": "",
        "department": "",
        "role": "end_user",  # the module's only Key User would stop being one: refused
        "modules": "",
        "key_user": "",
    },
    {
        "name": "Chen Jie",
        "username": "",
        "email": "chen.jie@example.com",
        "department": "PMO",
        "role": "manager",
        "modules": "",
        "key_user": "",
    },
]
SCRIPT_ROWS = [
    {
        "Scenario ID": "AP-010",
        "Module": "fin",
        "Title": "Post a vendor invoice",
        "Business process": "Procure to pay",
        "Modules touched": "",
        "Owner": "keyuser",
        "Priority": "high",
        "Preconditions": "Vendor exists",
        "Step": step,
        "Action": f"Step {step}",
        "Expected result": "Posted",
    }
    for step in ("1", "2")
] + [
    {
        "Scenario ID": "GL-001",
        "Module": "Finance",
        "Title": "Month-end close",
        "Business process": "Record to report",
        "Modules touched": "fin",
        "Owner": "",
        "Priority": "",
        "Preconditions": "",
        "Step": "1",
        "Action": "Close the period",
        "Expected result": "Closed",
    }
]


def upload(client: Client, url: str, file: tuple[str, bytes], **data):
    name, content = file
    return client.post(url, {"file": SimpleUploadedFile(name, content), **data})


def every_module_has_a_key_user() -> bool:
    return not BusinessModule.objects.exclude(key_user_assignments__membership__role=Role.KEY_USER).exists()


def outcome_of(attempt) -> tuple[bool, dict]:
    """Run an import attempt in a savepoint rolled back after it: whether it went through, and the
    database as it left it."""
    with transaction.atomic():
        went_through = attempt()
        after = database_state()
        assert every_module_has_a_key_user()
        transaction.set_rollback(True)
    return went_through, after


def test_any_roster_file_is_previewed_and_confirmed_or_refused_without_a_server_error(world):
    client = Client(raise_request_exception=True)
    client.force_login(world.team.user(Role.APP_CONSULTANT))
    project = world.team.project
    before = database_state()

    @FUZZ
    @given(file=table_files(list(ROSTER_COLUMNS), rows_like(ROSTER_ROWS)))
    def roster(file):
        def attempt() -> bool:
            response = upload(client, reverse("people:import", args=[project.pk]), file)
            if response.status_code == 200:  # the file itself refused, on the form
                assert response.context["form"].errors
                return False
            roster_import = RosterImport.objects.latest("pk")
            client.post(reverse("people:import_confirm", args=[project.pk, roster_import.pk]))
            roster_import.refresh_from_db()
            return roster_import.status == RosterImport.Status.DONE

        went_through, after = outcome_of(attempt)
        if not went_through:
            assert changed_tables(before, after) in ([], ["people_rosterimport"]), file

    roster()


def test_any_test_script_is_previewed_and_imported_or_refused_without_a_server_error(world):
    client = Client(raise_request_exception=True)
    client.force_login(world.team.user(Role.KEY_USER))
    url = reverse("acceptance:scenario_import", args=[world.team.project.pk])
    before = database_state()

    @FUZZ
    @given(file=table_files(list(SCRIPT_HEADER), rows_like(SCRIPT_ROWS)))
    def script(file):
        def attempt() -> bool:
            preview = upload(client, url, file)
            assert preview.status_code == 200
            confirm = preview.context.get("confirm")
            if confirm is None:
                return False
            response = client.post(url, {"data": confirm.initial["data"], "filename": confirm.initial["filename"]})
            return response.status_code == 302

        went_through, after = outcome_of(attempt)
        if not went_through:
            assert changed_tables(before, after) == [], file

    script()
