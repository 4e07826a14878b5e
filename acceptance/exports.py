"""Acceptance's downloads: a cycle's progress per module, and scenarios as a test script."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from acceptance import imports, selectors
from acceptance.models import TestCycle, TestScenario
from erpteam.tabular import Export
from projects.models import Project


def cycle_progress_export(*, project: Project, cycle: TestCycle) -> Export:
    """One row per module of the cycle, then the total."""
    rows = selectors.cycle_progress(cycle=cycle)
    header = [
        _("Module"),
        _("Planned"),
        _("Run"),
        _("Passed"),
        _("Failed"),
        _("Blocked"),
        _("In progress"),
        _("Not started"),
        _("Pass rate (%)"),
        *[_("Open %(severity)s defects") % {"severity": s.upper()} for s in selectors.SEVERITIES],
        _("Signed off by"),
        _("Signed off"),
    ]

    def line(label, p, sign_off=None):
        return [
            label,
            p.planned,
            p.run,
            p.passed,
            p.failed,
            p.blocked,
            p.in_progress,
            p.not_started,
            p.pass_rate,
            *[p.defects[s] for s in selectors.SEVERITIES],
            sign_off.signed_by.user.display_name if sign_off else "",
            timezone.localtime(sign_off.signed_at).strftime("%Y-%m-%d %H:%M") if sign_off else "",
        ]

    table = [line(row.module.name, row, row.sign_off) for row in rows]
    table.append(line(_("Total"), selectors.progress_total(rows)))
    return Export(filename=f"{project.code}-cycle-{cycle.pk}-progress", header=header, rows=table)


def scenarios_export(*, project: Project, scenarios: QuerySet[TestScenario]) -> Export:
    """The scenarios as a test script, in the columns the import reads: one row per step."""
    return Export(
        filename=f"{project.code}-test-scenarios",
        header=imports.header(),
        rows=imports.scenario_rows(scenarios.prefetch_related("steps")),
    )
