"""Training's downloads: who may have access at go-live."""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from erpteam.tabular import Export
from people.models import Membership
from projects.models import Project


def go_live_access_export(*, project: Project, people: Iterable[Membership]) -> Export:
    """One row per end user (`training.selectors.go_live_access` annotated): ready or not, and the
    modules still to be trained for."""
    header = [
        _("Name"),
        _("Username"),
        _("Email"),
        _("Department"),
        _("Ready for go-live"),
        _("Modules"),
        _("Training missing"),
    ]
    rows = (
        [
            person.user.display_name,
            person.user.username,
            person.user.email,
            person.department,
            _("yes") if person.ready else _("no"),
            ", ".join(m.module.name for m in person.access_modules),
            ", ".join(m.module.name for m in person.access_modules if not m.trained)
            or ("" if person.access_modules else _("No module assigned")),
        ]
        for person in people
    )
    filename = f"{project.code}-go-live-access-{timezone.localdate():%Y%m%d}"
    return Export(filename=filename, header=header, rows=rows)
