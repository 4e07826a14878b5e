"""Test scripts in and out of spreadsheets (CSV or XLSX), one row per step, as consultants keep them.

Rows with the same scenario ID form one scenario; its own columns (module, title…) are read from its
first row and may be repeated or left empty on the others (the export leaves them empty). An import is
checked as a whole and previewed with row-numbered errors; it writes everything or nothing. A scenario
ID that exists in the project updates that scenario (and replaces its steps; recorded runs keep
theirs). The export writes the same columns, so a script can go out to Excel and come back.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from acceptance import services
from acceptance.models import TestRun, TestScenario
from acceptance.services import StepSpec
from erpteam.permissions import Action, allows
from erpteam.tabular import TableError, read_table
from modules.models import BusinessModule, KeyUserAssignment
from people.models import Membership
from projects.models import Project

# Column titles, exported in the reader's language (`header()`); an import reads them in any language
# the site speaks, in any case and with spaces or underscores.
HEADER = [
    gettext_noop("Scenario ID"),
    gettext_noop("Module"),
    gettext_noop("Title"),
    gettext_noop("Business process"),
    gettext_noop("Modules touched"),
    gettext_noop("Owner"),
    gettext_noop("Priority"),
    gettext_noop("Preconditions"),
    gettext_noop("Step"),
    gettext_noop("Action"),
    gettext_noop("Expected result"),
]
REQUIRED = ["scenario_id", "module", "title", "business_process", "step", "action", "expected_result"]
SCENARIO_COLUMNS = ["module", "title", "business_process", "modules_touched", "owner", "priority", "preconditions"]
LIST_SEPARATORS = re.compile(r"[,;，；、]")


@dataclass
class PlannedScenario:
    """A scenario as the file describes it, checked against the project."""

    row: int
    reference: str
    module: BusinessModule
    title: str
    business_process: str
    related_modules: list[BusinessModule]
    owner: Membership | None
    priority: str
    description: str
    existing: TestScenario | None
    steps: list[StepSpec] = field(default_factory=list)


@dataclass
class ImportPreview:
    scenarios: list[PlannedScenario] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return bool(self.scenarios) and not self.errors

    @property
    def created(self) -> int:
        return sum(1 for s in self.scenarios if s.existing is None)

    @property
    def updated(self) -> int:
        return sum(1 for s in self.scenarios if s.existing is not None)

    @property
    def step_count(self) -> int:
        return sum(len(s.steps) for s in self.scenarios)


def header() -> list[str]:
    """The column titles in the current language."""
    return [_(title) for title in HEADER]


def _column_name(title: str) -> str:
    return title.strip().lower().replace(" ", "_")


def _title(column: str) -> str:
    """A column's title in the current language, for messages."""
    return next(_(title) for title in HEADER if _column_name(title) == column)


def _columns_by_title() -> dict[str, str]:
    """Each column's title in every language the site speaks → the column's name in the rows."""
    names = {}
    for title in HEADER:
        for language, _language_name in settings.LANGUAGES:
            with translation.override(language):
                names[_column_name(_(title))] = _column_name(title)
    return names


def _row_error(row: int, message: str) -> str:
    return _("Row %(row)s: %(message)s") % {"row": row, "message": message}


class _Lookups:
    """What the rows are checked against, read in a fixed number of queries."""

    def __init__(self, project: Project):
        modules = list(BusinessModule.objects.filter(project=project))
        self.modules = {m.code.lower(): m for m in modules} | {m.name.strip().lower(): m for m in modules}
        self.key_users: dict[int, list[KeyUserAssignment]] = {}
        for assignment in (
            KeyUserAssignment.objects.effective()
            .filter(module__project=project)
            .select_related("membership__user")
            .order_by("kind", "created_at")
        ):
            self.key_users.setdefault(assignment.module_id, []).append(assignment)
        self.scenarios = {
            s.reference: s
            for s in TestScenario.objects.filter(project=project)
            .select_related("module")
            .annotate(has_runs=Exists(TestRun.objects.filter(scenario=OuterRef("pk"))))
        }
        self.priorities = {}
        for value, label in TestScenario.Priority.choices:
            self.priorities[value] = value
            self.priorities[str(label).lower()] = value

    def module(self, text: str) -> BusinessModule | None:
        return self.modules.get(text.strip().lower())

    def owner(self, module: BusinessModule, text: str) -> Membership | None:
        assignments = self.key_users.get(module.pk, [])
        if not text:
            return assignments[0].membership if assignments else None
        wanted = text.strip().lower()
        for assignment in assignments:
            user = assignment.membership.user
            if wanted in (user.username.lower(), user.email.lower(), user.display_name.lower()):
                return assignment.membership
        return None


def _scenario_from_row(number: int, row: dict[str, str], reference: str, lookups: _Lookups, membership, errors):
    module = lookups.module(row["module"])
    if module is None:
        errors.append(
            _row_error(
                number,
                _("there is no module “%(module)s” in this project (give its code or its name).")
                % {"module": row["module"]},
            )
        )
        return None
    if not allows(membership, Action.ACCEPTANCE_WRITE, module_id=module.pk):
        errors.append(
            _row_error(
                number,
                _("you are not a Key User of %(module)s, so you cannot write its scenarios.") % {"module": module.name},
            )
        )
        return None
    problems = [
        _("the %(column)s of %(reference)s is empty.") % {"column": label, "reference": reference}
        for column, label in (("title", _("title")), ("business_process", _("business process")))
        if not row.get(column, "").strip()
    ]
    related = _related_modules(row.get("modules_touched", ""), lookups, problems)
    owner = lookups.owner(module, row.get("owner", ""))
    if owner is None:
        problems.append(
            _("%(person)s is not a Key User of %(module)s.") % {"person": row.get("owner", ""), "module": module.name}
            if row.get("owner")
            else _("%(module)s has no Key User to own the scenario.") % {"module": module.name}
        )
    priority = lookups.priorities.get(row.get("priority", "").strip().lower() or TestScenario.Priority.MEDIUM)
    if priority is None:
        problems.append(_("the priority “%(priority)s” is not high, medium or low.") % {"priority": row["priority"]})
    existing = lookups.scenarios.get(reference)
    if existing is not None:
        problems.extend(_update_problems(existing, module, membership))
    errors.extend(_row_error(number, problem) for problem in problems)
    if problems:
        return None
    return PlannedScenario(
        row=number,
        reference=reference,
        module=module,
        title=row["title"].strip(),
        business_process=row["business_process"].strip(),
        related_modules=related,
        owner=owner,
        priority=priority,
        description=row.get("preconditions", "").strip(),
        existing=existing,
    )


def _related_modules(text: str, lookups: _Lookups, problems: list) -> list[BusinessModule]:
    """The modules a row's "modules touched" names; each name that is no module of the project is a problem."""
    related = []
    for name in filter(None, (t.strip() for t in LIST_SEPARATORS.split(text))):
        other = lookups.module(name)
        if other is None:
            problems.append(_("there is no module “%(module)s” in this project.") % {"module": name})
        else:
            related.append(other)
    return related


def _update_problems(existing: TestScenario, module: BusinessModule, membership: Membership) -> list:
    """Why a row may not update the scenario it names: it was run and would move, or it is not the member's."""
    problems = []
    if existing.module_id != module.pk and existing.has_runs:
        problems.append(
            _("%(reference)s has been run in %(module)s; it cannot move to another module.")
            % {"reference": existing.reference, "module": existing.module.name}
        )
    if not allows(membership, Action.ACCEPTANCE_WRITE, module_id=existing.module_id):
        problems.append(
            _("you are not a Key User of %(module)s, so you cannot change %(reference)s.")
            % {"module": existing.module.name, "reference": existing.reference}
        )
    return problems


def scenarios_read(*, data: bytes, filename: str, project: Project, membership: Membership) -> ImportPreview:
    """Read and check a test script without writing anything: the scenarios it would create or update,
    or every problem found, each with its row number."""
    preview = ImportPreview()
    try:
        table = read_table(data, filename=filename)
        names = _columns_by_title()
        table.header = [names.get(column, column) for column in table.header]
        table.rows = [(number, {names.get(c, c): value for c, value in row.items()}) for number, row in table.rows]
        table.require(REQUIRED)
    except TableError as error:
        preview.errors.append(str(error))
        return preview
    if not table.rows:
        preview.errors.append(_("The file has a header but no rows."))
        return preview
    lookups = _Lookups(project)
    planned: dict[str, PlannedScenario | None] = {}
    first: dict[str, tuple[int, dict[str, str]]] = {}
    step_rows: dict[str, dict[int, int]] = {}
    for number, row in table.rows:
        reference = row["scenario_id"].strip()
        if not reference:
            preview.errors.append(_row_error(number, _("the scenario ID is empty.")))
            continue
        if len(reference) > TestScenario._meta.get_field("reference").max_length:
            preview.errors.append(_row_error(number, _("the scenario ID is longer than 30 characters.")))
            continue
        if reference not in first:
            first[reference] = (number, row)
            planned[reference] = _scenario_from_row(number, row, reference, lookups, membership, preview.errors)
            step_rows[reference] = {}
        else:
            preview.errors.extend(_repeat_errors(number, row, reference, *first[reference]))
        step = _step_from_row(number, row, reference, step_rows[reference], preview.errors)
        if step is not None and (scenario := planned[reference]) is not None:
            scenario.steps.append(step)
    for scenario in planned.values():
        if scenario is not None:
            scenario.steps = [spec for _step, spec in sorted(scenario.steps, key=lambda pair: pair[0])]
            preview.scenarios.append(scenario)
    return preview


def _repeat_errors(number: int, row: dict[str, str], reference: str, first_number: int, first_row: dict) -> list:
    """A later row of a scenario repeats its columns or leaves them empty: each one that differs is an error."""
    return [
        _row_error(
            number,
            _("the %(column)s of %(reference)s differs from row %(first)s; repeat it or leave it empty.")
            % {"column": _title(column).lower(), "reference": reference, "first": first_number},
        )
        for column in SCENARIO_COLUMNS
        if (value := row.get(column, "").strip()) and value != first_row.get(column, "").strip()
    ]


def _step_from_row(
    number: int, row: dict[str, str], reference: str, step_rows: dict[int, int], errors: list
) -> tuple[int, StepSpec] | None:
    """The row's step of its scenario as (number, step), or None: a row without a step (a scenario without
    steps yet) or with a wrong one (its error added to `errors`). `step_rows`: step → row, so far."""
    step_text = row["step"].strip()
    action, expected = row["action"].strip(), row["expected_result"].strip()
    if not (step_text or action or expected):
        return None
    if not step_text.isdigit() or int(step_text) < 1:
        errors.append(
            _row_error(number, _("the step number “%(step)s” is not a whole number from 1.") % {"step": step_text})
        )
        return None
    step = int(step_text)
    if step in step_rows:
        errors.append(
            _row_error(
                number,
                _("step %(step)s of %(reference)s is already on row %(other)s.")
                % {"step": step, "reference": reference, "other": step_rows[step]},
            )
        )
        return None
    step_rows[step] = number
    if not action or not expected:
        errors.append(_row_error(number, _("a step needs both an action and an expected result.")))
        return None
    return step, StepSpec(action, expected)


def scenarios_import(*, preview: ImportPreview, project: Project) -> ImportPreview:
    """Write the previewed scenarios through the services, all or nothing. A refusal rolls everything
    back and is added to the preview's errors with the scenario's row."""
    if not preview.is_valid:
        return preview
    current = None
    try:
        with transaction.atomic():
            for current in preview.scenarios:
                fields = {
                    "module": current.module,
                    "reference": current.reference,
                    "title": current.title,
                    "business_process": current.business_process,
                    "owner": current.owner,
                    "priority": current.priority,
                    "description": current.description,
                }
                if current.existing is None:
                    services.scenario_create(
                        project=project, related_modules=current.related_modules, steps=current.steps, **fields
                    )
                else:
                    services.scenario_update(
                        scenario=current.existing,
                        related_modules=current.related_modules,
                        steps=current.steps,
                        **fields,
                    )
    except ValidationError as error:
        preview.errors.extend(_row_error(current.row, message) for message in error.messages)
    return preview


def scenario_rows(scenarios: Iterable[TestScenario]) -> Iterator[list]:
    """The rows of a test script for these scenarios (steps and other modules prefetched), one per step.
    The scenario's own columns are on its first row only, so a change in Excel is made in one place."""
    for scenario in scenarios:
        head = [
            scenario.reference,
            scenario.module.code,
            scenario.title,
            scenario.business_process,
            ", ".join(m.code for m in scenario.related_modules.all()),
            scenario.owner.user.username if scenario.owner else "",
            scenario.priority,
            scenario.description,
        ]
        steps = list(scenario.steps.all())
        if not steps:
            yield [*head, "", "", ""]
        for index, step in enumerate(steps):
            columns = head if index == 0 else [scenario.reference] + [""] * (len(head) - 1)
            yield [*columns, step.order, step.action, step.expected_result]
