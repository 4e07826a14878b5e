"""Reads of acceptance testing that pages, exports and the readiness dashboard share.

Figures are aggregated in the database, and each function runs a fixed number of queries whatever the
number of scenarios, runs and defects.

A planned scenario's state in a cycle comes from its latest run there: not started (no run yet), in
progress (the run is not finished), or the finished run's result (passed, failed, blocked).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import (
    Case,
    Count,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from acceptance.models import (
    AcceptanceException,
    CycleScenario,
    ModuleSignOff,
    Result,
    StepResult,
    TestCycle,
    TestRun,
    TestScenario,
    TestStep,
)
from erpteam.permissions import Action, allows
from erpteam.queries import count_subquery
from issues.models import Issue, IssueQuerySet
from issues.panels import issue_panels
from modules.models import BusinessModule
from modules.panels import module_panels
from people.models import Membership
from projects.models import Project

SEVERITIES = Issue.Severity.values


class State:
    """A planned scenario's state in a cycle (see the module docstring)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PASSED = Result.PASSED
    FAILED = Result.FAILED
    BLOCKED = Result.BLOCKED

    choices = [
        (NOT_STARTED, _("Not started")),
        (IN_PROGRESS, _("In progress")),
        (PASSED, _("Passed")),
        (FAILED, _("Failed")),
        (BLOCKED, _("Blocked")),
    ]


_RUN_STATE = Case(When(finished_at__isnull=True, then=Value(State.IN_PROGRESS)), default=F("result"))


def _latest_runs(cycle_ref, scenario_ref) -> QuerySet[TestRun]:
    return TestRun.objects.filter(cycle=cycle_ref, scenario=scenario_ref).order_by("-started_at", "-id")


def _latest_planned_runs() -> QuerySet[TestRun]:
    """A planned scenario's runs in its cycle, latest first (for a `CycleScenario` queryset)."""
    return _latest_runs(OuterRef("cycle"), OuterRef("scenario"))


# A planned scenario's state (for a `CycleScenario` queryset): built once, each annotate() resolves a copy.
_PLANNED_STATE = Coalesce(
    Subquery(_latest_planned_runs().annotate(state=_RUN_STATE).values("state")[:1]), Value(State.NOT_STARTED)
)


def _planned_states(planned: QuerySet[CycleScenario]) -> QuerySet[CycleScenario]:
    return planned.annotate(state=_PLANNED_STATE, latest_run_id=Subquery(_latest_planned_runs().values("id")[:1]))


@dataclass
class Progress:
    """Planned / run / passed / failed / blocked, and the open defects by severity, of some scenarios
    in a cycle. The pass rate is the share of the planned scenarios that passed."""

    planned: int = 0
    passed: int = 0
    failed: int = 0
    blocked: int = 0
    in_progress: int = 0
    defects: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))

    @property
    def run(self) -> int:
        return self.passed + self.failed + self.blocked

    @property
    def not_started(self) -> int:
        return self.planned - self.run - self.in_progress

    @property
    def pass_rate(self) -> float | None:
        """Percent of the planned scenarios whose latest run passed; None when nothing is planned."""
        return round(100 * self.passed / self.planned, 1) if self.planned else None

    @property
    def open_defects(self) -> int:
        return sum(self.defects.values())

    @property
    def open_s1_s2(self) -> int:
        return self.defects[Issue.Severity.S1] + self.defects[Issue.Severity.S2]

    def share(self, count: int) -> float:
        return round(100 * count / self.planned, 1) if self.planned else 0

    @property
    def bar(self) -> list[tuple[str, Promise, int, float]]:
        """(state, label, count, percent) for a stacked progress bar."""
        labels = dict(State.choices)
        counts = {
            State.PASSED: self.passed,
            State.FAILED: self.failed,
            State.BLOCKED: self.blocked,
            State.IN_PROGRESS: self.in_progress,
        }
        return [(state, labels[state], count, self.share(count)) for state, count in counts.items()]

    def add(self, other: "Progress") -> None:
        for name in ("planned", "passed", "failed", "blocked", "in_progress"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for severity, count in other.defects.items():
            self.defects[severity] += count


# The states a `Progress` counts, by the field that counts them (not started is what remains).
_COUNTED = {State.PASSED: "passed", State.FAILED: "failed", State.BLOCKED: "blocked", State.IN_PROGRESS: "in_progress"}


# What a row of `_state_rows` and `_defect_rows` counts (they are read together, as one union).
_STATE, _DEFECT = "state", "defect"


def _state_rows(planned: QuerySet[CycleScenario], key: str) -> QuerySet:
    # Counted by key and state: the state's subquery appears once in the query (a count filtered by state
    # would repeat it in each filter, for the database to run once per filter and scenario).
    return (
        planned.annotate(state=_PLANNED_STATE, kind=Value(_STATE))
        .order_by()
        .values_list(key, "kind", "state")
        .annotate(n=Count("id"))
    )


def _defect_rows(issues: IssueQuerySet, key: str) -> QuerySet:
    # An issue has one severity: counted by key and severity, each counts once however many steps raised it.
    return (
        issues.open()
        .annotate(kind=Value(_DEFECT))
        .order_by()
        .values_list(key, "kind", "severity")
        .annotate(n=Count("id", distinct=True))
    )


P = TypeVar("P", bound=Progress)


def _tally(rows, cls: type[P]) -> tuple[dict[int, P], dict[int, dict[str, int]]]:
    """(group, kind, state or severity, count) rows → group → progress, and group → open defects by severity."""
    progress: dict[int, P] = {}
    defects: dict[int, dict[str, int]] = {}
    for group, kind, label, count in rows:
        if kind == _DEFECT:
            defects.setdefault(group, dict.fromkeys(SEVERITIES, 0))[label] = count
            continue
        figures = progress.setdefault(group, cls())
        figures.planned += count
        if label in _COUNTED:
            setattr(figures, _COUNTED[label], getattr(figures, _COUNTED[label]) + count)
    return progress, defects


def _progress_by(planned: QuerySet[CycleScenario], key: str) -> dict[int, Progress]:
    return _tally(_state_rows(planned, key), Progress)[0]


def _progress_and_defects(planned: QuerySet[CycleScenario], key: str, issues: IssueQuerySet, issue_key: str):
    """(group, kind, state or severity, count) rows: the progress of the `planned` scenarios by `key`
    and the open defects among `issues` by `issue_key`, in one query (read by `_tally`)."""
    return _state_rows(planned, key).union(_defect_rows(issues, issue_key), all=True)


def _modules_in_cycle(cycle: TestCycle) -> QuerySet:
    return _progress_and_defects(
        CycleScenario.objects.filter(cycle=cycle),
        "scenario__module",
        _cycle_defects(cycle),
        "acceptance_step_results__run__scenario__module",
    )


def _cycles_of_project(project: Project) -> QuerySet:
    return _progress_and_defects(
        CycleScenario.objects.filter(cycle__project=project),
        "cycle",
        Issue.objects.filter(acceptance_step_results__run__cycle__project=project),
        "acceptance_step_results__run__cycle",
    )


def _cycle_defects(cycle: TestCycle) -> IssueQuerySet:
    return Issue.objects.filter(acceptance_step_results__run__cycle=cycle)


def blocking_defects(*, cycle: TestCycle, module: BusinessModule) -> QuerySet[Issue]:
    """Open S1/S2 defects raised from the module's scenarios in this cycle: they refuse a sign-off."""
    return (
        _cycle_defects(cycle)
        .open()
        .filter(
            severity__in=[Issue.Severity.S1, Issue.Severity.S2],
            acceptance_step_results__run__scenario__module=module,
        )
        .distinct()
        .order_by("number")
    )


# --- cycles ----------------------------------------------------------------------------------------------


@dataclass
class CycleOverview:
    cycle: TestCycle
    progress: Progress
    modules: int
    signed_off: int


def cycles_overview(*, project: Project) -> list[CycleOverview]:
    """The project's cycles, latest first, each with its progress over all its scenarios."""
    cycles = list(
        TestCycle.objects.filter(project=project).annotate(
            module_count=Count("planned__scenario__module", distinct=True),
            sign_off_count=Count("sign_offs", distinct=True),
        )
    )
    progress, defects = _tally(_cycles_of_project(project), Progress)
    overview = []
    for cycle in cycles:
        figures = progress.get(cycle.pk, Progress())
        figures.defects.update(defects.get(cycle.pk, {}))
        overview.append(CycleOverview(cycle, figures, cycle.module_count, cycle.sign_off_count))
    return overview


def cycle_get(*, project: Project, pk: int) -> TestCycle:
    return get_object_or_404(TestCycle, project=project, pk=pk)


@dataclass
class ModuleProgress(Progress):
    module: BusinessModule | None = None
    sign_off: ModuleSignOff | None = None
    exception: AcceptanceException | None = None

    @property
    def signed_off(self) -> bool:
        return self.sign_off is not None


M = TypeVar("M", bound=ModuleProgress)


def _module_rows(cycle: TestCycle, cls: type[M], *, with_exceptions: bool = True) -> dict[int, M]:
    """Module id → its progress, open defects, sign-off and (`with_exceptions`) exception in the cycle,
    for the modules with scenarios planned (or a sign-off) in it. Three queries (two without the
    exceptions)."""
    rows, defects = _tally(_modules_in_cycle(cycle), cls)
    sign_offs = {s.module_id: s for s in ModuleSignOff.objects.filter(cycle=cycle).select_related("signed_by__user")}
    exceptions = (
        {e.module_id: e for e in AcceptanceException.objects.filter(cycle=cycle).select_related("consultant__user")}
        if with_exceptions
        else {}
    )
    for module_id in rows.keys() | sign_offs.keys():
        row = rows.setdefault(module_id, cls())
        row.defects.update(defects.get(module_id, {}))
        row.sign_off = sign_offs.get(module_id)
        row.exception = exceptions.get(module_id)
    return rows


def cycle_progress(*, cycle: TestCycle) -> list[ModuleProgress]:
    """Per module with scenarios planned in the cycle, by name: its progress, open defects, sign-off
    and exception. Four queries."""
    rows = _module_rows(cycle, ModuleProgress)
    modules = BusinessModule.objects.filter(pk__in=rows.keys()).order_by("name")
    for module in modules:
        rows[module.pk].module = module
    return [rows[module.pk] for module in modules]


def progress_total(rows: list[ModuleProgress]) -> Progress:
    total = Progress()
    for row in rows:
        total.add(row)
    return total


def cycle_scenarios(*, cycle: TestCycle) -> QuerySet[CycleScenario]:
    """The scenarios planned in a cycle with their state, their open defects from the cycle and their
    runs there (latest first, as `scenario.cycle_runs`)."""
    open_defects = Issue.objects.open().filter(
        acceptance_step_results__run__cycle=cycle, acceptance_step_results__run__scenario=OuterRef("scenario")
    )
    return (
        _planned_states(CycleScenario.objects.filter(cycle=cycle))
        .annotate(
            open_defects=count_subquery(open_defects, per="acceptance_step_results__run__scenario", distinct=True)
        )
        .select_related("scenario__module", "scenario__owner__user")
        .prefetch_related(
            Prefetch(
                "scenario__runs",
                queryset=TestRun.objects.filter(cycle=cycle)
                .select_related("tester__user")
                .order_by("-started_at", "-id"),
                to_attr="cycle_runs",
            )
        )
        .order_by("scenario__module__name", "scenario__reference")
    )


def _started_first(cycles: QuerySet[TestCycle], today: datetime.date | None) -> QuerySet[TestCycle]:
    """Cycles already started, latest first, then those to come, soonest last."""
    today = today or timezone.localdate()
    return cycles.order_by(Case(When(start_date__lte=today, then=0), default=1), "-start_date", "-id")


def latest_uat_cycle(*, project: Project, today: datetime.date | None = None) -> TestCycle | None:
    """The UAT cycle that counts for readiness: the latest one already started, else the next one."""
    return _started_first(TestCycle.objects.filter(project=project, kind=TestCycle.Kind.UAT), today).first()


@module_panels.register(order=30, template="acceptance/_module_card.html")
def module_acceptance_panel(*, module: BusinessModule, membership: Membership) -> dict:
    """Context of the acceptance card on a module's page (four queries), for those who read acceptance
    tests: its number of scenarios, the latest cycle it is tested in with its progress there, and the
    Key User's sign-off of that cycle."""
    if not allows(membership, Action.ACCEPTANCE_VIEW):
        return {}
    cycle = _started_first(TestCycle.objects.filter(planned__scenario__module=module), None).first()
    progress = sign_off = None
    if cycle is not None:
        progress = _progress_by(CycleScenario.objects.filter(cycle=cycle, scenario__module=module), "cycle")[cycle.pk]
        sign_off = ModuleSignOff.objects.filter(cycle=cycle, module=module).select_related("signed_by__user").first()
    return {
        "acceptance_panel": {
            "scenarios": TestScenario.objects.filter(module=module).count(),
            "cycle": cycle,
            "progress": progress,
            "sign_off": sign_off,
        }
    }


# --- scenarios -------------------------------------------------------------------------------------------


def scenario_list(*, project: Project) -> QuerySet[TestScenario]:
    """The project's scenarios with their module, owner, other modules, number of steps and runs, and
    the result of their latest finished run in any cycle."""
    last_run = TestRun.objects.filter(scenario=OuterRef("pk"), finished_at__isnull=False).order_by("-started_at", "-id")
    return (
        TestScenario.objects.filter(project=project)
        .select_related("module", "owner__user")
        .prefetch_related(Prefetch("related_modules", queryset=BusinessModule.objects.order_by("name")))
        .annotate(
            step_count=count_subquery(TestStep.objects.filter(scenario=OuterRef("pk")), per="scenario"),
            run_count=count_subquery(TestRun.objects.filter(scenario=OuterRef("pk")), per="scenario"),
            last_result=Subquery(last_run.values("result")[:1]),
        )
        .order_by("module__name", "reference")
    )


def scenario_detail(*, project: Project, pk: int) -> TestScenario:
    """A scenario with its steps, other modules, the cycles it is planned in and every run (latest
    first) with the defects raised from it."""
    return get_object_or_404(
        TestScenario.objects.select_related("module", "owner__user").prefetch_related(
            "steps",
            Prefetch("related_modules", queryset=BusinessModule.objects.order_by("name")),
            Prefetch(
                "planned_in", queryset=CycleScenario.objects.select_related("cycle").order_by("-cycle__start_date")
            ),
            Prefetch(
                "runs",
                queryset=TestRun.objects.select_related("cycle", "tester__user")
                .prefetch_related(
                    Prefetch(
                        "step_results",
                        queryset=StepResult.objects.filter(defect__isnull=False).select_related("defect"),
                        to_attr="defect_steps",
                    )
                )
                .order_by("-started_at", "-id"),
            ),
        ),
        project=project,
        pk=pk,
    )


# --- runs ------------------------------------------------------------------------------------------------


def run_get(*, project: Project, pk: int) -> TestRun:
    """A run of the project with what its page shows: the cycle, the scenario and its module, the
    tester, each step's result with who recorded it and its defect."""
    return get_object_or_404(
        TestRun.objects.select_related(
            "cycle", "scenario__module", "tester__user", "started_by__user"
        ).prefetch_related(
            Prefetch(
                "step_results",
                queryset=StepResult.objects.select_related("recorded_by__user", "defect").order_by("order"),
            )
        ),
        cycle__project=project,
        pk=pk,
    )


def runs_of(*, run: TestRun) -> QuerySet[TestRun]:
    """Every run of the same scenario in the same cycle, latest first."""
    return _latest_runs(run.cycle_id, run.scenario_id).select_related("tester__user")


def defect_sources(*, issue: Issue) -> list[StepResult]:
    """The test steps a defect was raised from, with their run, cycle and scenario (one query)."""
    return list(
        StepResult.objects.filter(defect=issue)
        .select_related("run__cycle", "run__scenario")
        .order_by("run__started_at")
    )


@issue_panels.register(order=10, template="acceptance/_raised_from.html")
def issue_acceptance_panel(*, issue: Issue, membership: Membership) -> dict:
    """Context of the line on an issue's page saying which test steps it was raised from (one query), for
    those who read acceptance tests."""
    if not allows(membership, Action.ACCEPTANCE_VIEW):
        return {}
    return {"raised_from": sources} if (sources := defect_sources(issue=issue)) else {}


def runs_for_tester(*, membership: Membership) -> QuerySet[TestRun]:
    """The runs a member is the tester of: unfinished first, then the latest."""
    return (
        TestRun.objects.filter(tester=membership)
        .select_related("cycle", "scenario__module")
        .annotate(
            steps_left=count_subquery(StepResult.objects.filter(run=OuterRef("pk"), status=Result.NOT_RUN), per="run"),
        )
        .order_by(F("finished_at").desc(nulls_first=True), "-started_at", "-id")
    )


# --- readiness -------------------------------------------------------------------------------------------


@dataclass
class ModuleAcceptance(ModuleProgress):
    """A module's acceptance in the latest UAT cycle (its exception, which readiness does not weigh,
    is not read: `exception` is None)."""

    cycle: TestCycle | None = None


def module_acceptance_status(
    *, project: Project, today: datetime.date | None = None, modules: Sequence[BusinessModule] | None = None
) -> dict[int, ModuleAcceptance]:
    """For each module of the project (or each of `modules`, when the caller has them already), its
    acceptance in the latest UAT cycle (see `latest_uat_cycle`): planned / run / passed / failed /
    blocked, pass rate (None when nothing of it is planned), open defects raised in the cycle, whether
    its Key User signed it off. At most four queries (three with `modules`); empty figures without a
    UAT cycle. The runs and defects behind the figures, one module at a time: `acceptance_evidence`."""
    if modules is None:
        modules = list(BusinessModule.objects.filter(project=project).order_by("name"))
    cycle = latest_uat_cycle(project=project, today=today)
    if cycle is None:
        return {m.pk: ModuleAcceptance(module=m) for m in modules}
    rows = _module_rows(cycle, ModuleAcceptance, with_exceptions=False)
    status = {}
    for module in modules:
        status[module.pk] = row = rows.get(module.pk) or ModuleAcceptance()
        row.module, row.cycle = module, cycle
    return status


@dataclass
class AcceptanceEvidence:
    """What stands against a module in a cycle: the failed or blocked runs that are the latest of their
    scenario, and the open defects raised from its scenarios."""

    failed_runs: list[TestRun]
    open_defects: list[Issue]


def acceptance_evidence(*, cycle: TestCycle, module: BusinessModule) -> AcceptanceEvidence:
    """The module's failed runs and open defects in the cycle (two queries)."""
    latest_id = Subquery(_latest_runs(cycle.pk, OuterRef("scenario")).values("id")[:1])
    failed_runs = (
        TestRun.objects.filter(
            cycle=cycle,
            scenario__module=module,
            finished_at__isnull=False,
            result__in=[Result.FAILED, Result.BLOCKED],
        )
        .annotate(latest_id=latest_id)
        .filter(pk=F("latest_id"))
        .select_related("scenario", "tester__user")
        .order_by("scenario__reference")
    )
    defects = (
        _cycle_defects(cycle)
        .open()
        .filter(acceptance_step_results__run__scenario__module=module)
        .distinct()
        .order_by("severity", "number")
    )
    return AcceptanceEvidence(failed_runs=list(failed_runs), open_defects=list(defects))
