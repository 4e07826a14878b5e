"""The issue list's download: the layout of its CSV and XLSX files."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from erpteam.tabular import Export
from issues.models import Issue
from projects.models import Project


def issues_export(*, project: Project, issues: QuerySet[Issue]) -> Export:
    """One row per issue, in the list's order; times in the reader's time zone."""
    header = [
        _("Number"),
        _("Title"),
        _("Module"),
        _("Category"),
        _("Severity"),
        _("Status"),
        _("Escalation tier"),
        _("Blocks go-live"),
        _("Reported by"),
        _("Affected end user"),
        _("Assignee"),
        _("Logged"),
        _("Response due"),
        _("Resolution due"),
        _("Overdue"),
        _("Resolved"),
        _("Resolution"),
    ]

    def when(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    def person(membership):
        return membership.user.display_name if membership else ""

    rows = (
        [
            issue.number,
            issue.title,
            issue.module.name,
            issue.get_category_display(),
            issue.get_severity_display(),
            issue.get_status_display(),
            issue.get_tier_display(),
            _("Yes") if issue.blocks_go_live else _("No"),
            person(issue.reporter),
            person(issue.affected_end_user),
            person(issue.assignee),
            when(issue.created_at),
            when(issue.respond_due),
            when(issue.resolve_due),
            _("Yes") if issue.is_overdue else _("No"),
            when(issue.resolved_at),
            issue.resolution,
        ]
        for issue in issues.iterator(chunk_size=2000)
    )
    return Export(filename=f"{project.code}-issues", header=header, rows=rows)
