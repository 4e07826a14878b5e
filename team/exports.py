"""The team's downloads: the roster, and the import template, in the columns the roster import reads."""

from django.utils.translation import gettext as _

from erpteam.tabular import Export
from modules.models import KeyUserAssignment
from people.models import Membership
from projects.models import Project
from team.roster.parse import COLUMNS
from team.selectors import roster


def _roster_row(member: Membership) -> list:
    """A member as a row of the roster file: the same columns the import reads."""
    assignments = list(member.key_user_assignments.all())
    kinds = {a.kind for a in assignments}
    if len(kinds) == 1:
        modules = "; ".join(a.module.code for a in assignments)
        kind = KeyUserAssignment.Kind(kinds.pop()).label
    else:
        modules = "; ".join(f"{a.module.code}:{a.kind}" for a in assignments)
        kind = ""
    if member.role == Membership.Role.END_USER:
        modules = "; ".join(e.module.code for e in member.end_user_modules.all())
    return [
        member.user.get_full_name(),
        member.user.username,
        member.user.email,
        member.department,
        member.get_role_display(),
        modules,
        kind,
        _("yes") if member.is_active and member.user.is_active else _("no"),
    ]


def roster_export(*, project: Project) -> Export:
    return Export(
        filename=f"{project.code}-team",
        header=[*COLUMNS, "active"],
        rows=[_roster_row(member) for member in roster(project=project)],
    )


def roster_template(*, project: Project) -> Export:
    """The columns and three example rows using this project's modules."""
    codes = list(project.modules.order_by("name").values_list("code", flat=True)[:2]) or ["fin-gl"]
    rows = [
        ["Li Wei", "li.wei", "li.wei@example.com", "Finance", "key_user", codes[0], "primary"],
        ["Chen Mei", "", "chen.mei@example.com", "Finance", "end_user", "; ".join(codes), ""],
        ["Wang Hong", "wang.hong", "", "PMO", "manager", "", ""],
    ]
    return Export(filename="roster-template", header=COLUMNS, rows=rows)
