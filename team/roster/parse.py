"""Reading a roster file: its rows with their spreadsheet row numbers, under the column names the
import knows (English or Chinese headers)."""

from django.utils.translation import gettext as _

from erpteam.tabular import TableError, read_table

COLUMNS = ("name", "username", "email", "department", "role", "modules", "key_user")
HEADER_ALIASES = {
    "姓名": "name",
    "用户名": "username",
    "账号": "username",
    "邮箱": "email",
    "电子邮件": "email",
    "e-mail": "email",
    "部门": "department",
    "角色": "role",
    "模块": "modules",
    "module": "modules",
    "关键用户": "key_user",
    "key_user_kind": "key_user",
}
MAX_ROWS = 20_000

Rows = list[tuple[int, dict[str, str]]]


def roster_read(data: bytes, *, filename: str) -> tuple[Rows, list[str]]:
    """The file's rows (with their spreadsheet row numbers) and the names of columns it ignores.
    Raises `TableError` when the file as a whole cannot be used."""
    table = read_table(data, filename=filename)
    header = [HEADER_ALIASES.get(column, column) for column in table.header]
    if len(set(header)) != len(header):
        raise TableError(_("Two columns mean the same thing; keep one of them."))
    rename = dict(zip(table.header, header, strict=True))
    rows = [(number, {rename[c]: value for c, value in cells.items()}) for number, cells in table.rows]
    if "role" not in header:
        raise TableError(_("Missing column: role. The first row must name the columns; download the template."))
    if "username" not in header and "email" not in header:
        raise TableError(
            _("Missing column: username or email. The first row must name the columns; download the template.")
        )
    if not rows:
        raise TableError(_("The file has a header row but no people."))
    if len(rows) > MAX_ROWS:
        raise TableError(_("The file has more than %(n)s rows; split it.") % {"n": f"{MAX_ROWS:,}"})
    return rows, [c for c in header if c not in COLUMNS]
