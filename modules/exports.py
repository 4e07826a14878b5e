"""The modules' downloads: the module × Key User matrix."""

from django.utils.translation import gettext as _

from erpteam.tabular import Export
from modules.models import KeyUserAssignment
from modules.selectors import key_user_matrix
from projects.models import Project


def key_user_matrix_export(*, project: Project) -> Export:
    """One row per module, one column per Key User: primary, backup or empty."""
    people, rows = key_user_matrix(project=project)
    kinds = dict(KeyUserAssignment.Kind.choices)
    header = [_("Module code"), _("Module"), _("In scope")] + [
        f"{m.user.display_name} ({m.user.username})" for m in people
    ]
    table = [
        [module.code, module.name, _("yes") if module.in_scope else _("no")]
        + [kinds[cells[m.pk]] if m.pk in cells else "" for m in people]
        for module, cells in rows
    ]
    return Export(filename=f"{project.code}-key-users", header=header, rows=table)
