import io

import pytest
from openpyxl import Workbook

from modules.models import KeyUserAssignment, ModuleEndUser
from people.models import Membership, User

HEADER = ["name", "username", "email", "department", "role", "modules", "key_user"]


def csv_bytes(rows, *, header=HEADER, encoding="utf-8") -> bytes:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot() -> tuple:
    """Everything an import could write, to prove a refused one wrote nothing."""
    return (
        sorted(User.objects.values_list("username", "is_active")),
        sorted(Membership.objects.values_list("user__username", "project_id", "role", "department", "is_active")),
        sorted(KeyUserAssignment.objects.values_list("module_id", "membership_id", "kind")),
        sorted(ModuleEndUser.objects.values_list("module_id", "membership_id")),
    )


@pytest.fixture
def warehouse(team):
    """A second module of the team's project, owned by a second Key User."""
    from tests.factories import MembershipFactory, UserFactory, module_make

    owner = MembershipFactory(
        project=team.project, role=Membership.Role.KEY_USER, user=UserFactory(username="min.zhang"), department="WH"
    )
    return module_make(project=team.project, code="wh", name="Warehouse", key_users=[owner])


GOOD_ROWS_CSV = csv_bytes(
    [
        ["Li Na", "li.na", "li.na@example.cn", "Finance", "key_user", "fin", "primary"],
        ["Zhao Lei", "zhao.lei", "", "IT", "it_user", "", ""],
    ]
)
