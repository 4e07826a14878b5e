"""The life of a roster import: upload → preview → confirm → apply (inline for small files, in a
Celery task for large ones)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from erpteam.tabular import TableError
from people.models import RosterImport
from projects.models import Project
from team.roster.apply import roster_import_apply
from team.roster.parse import roster_read
from team.roster.plan import roster_plan

INLINE_LIMIT = 500  # larger files are imported by a Celery task
SHOWN_PROBLEMS = 200


def roster_import_create(*, project: Project, uploaded_by, filename: str, data: bytes) -> RosterImport:
    """Read an uploaded roster and keep it with its preview. A file that cannot be read at all is
    refused with a `ValidationError` naming what is wrong with it."""
    try:
        rows, ignored = roster_read(data, filename=filename)
    except TableError as error:
        raise ValidationError(str(error), code="unreadable") from error
    plan = roster_plan(project=project, rows=rows)
    if ignored:
        plan.problems.insert(
            0,
            {
                "row": None,
                "column": "",
                "warning": True,
                "message": _("These columns are not imported: %(columns)s.") % {"columns": ", ".join(ignored)},
            },
        )
    return RosterImport.objects.create(
        project=project,
        uploaded_by=uploaded_by,
        filename=filename[:255],
        rows=[[number, cells] for number, cells in rows],
        changes=plan.changes,
        problems=plan.problems,
        row_count=len(rows),
        create_count=plan.create_count,
        change_count=plan.change_count,
    )


def blocking_problems(roster_import: RosterImport) -> list[dict]:
    return [p for p in roster_import.problems if not p.get("warning")]


def roster_import_confirm(*, roster_import: RosterImport) -> RosterImport:
    """Apply a previewed import: inline for small files, in a Celery task for large ones."""
    with transaction.atomic():
        roster_import = RosterImport.objects.select_for_update().get(pk=roster_import.pk)
        if roster_import.status != RosterImport.Status.PREVIEWED:
            raise ValidationError(_("This import has already been confirmed."), code="confirmed")
        if blocking_problems(roster_import):
            raise ValidationError(
                _("The file has problems; correct them and upload it again. Nothing was imported."), code="problems"
            )
        roster_import.status = RosterImport.Status.QUEUED
        roster_import.save(update_fields=["status"])
        if roster_import.row_count > INLINE_LIMIT:
            from team.tasks import roster_import_run

            transaction.on_commit(lambda: roster_import_run.delay(roster_import.pk), robust=True)
            return roster_import
    return roster_import_apply(import_id=roster_import.pk)
