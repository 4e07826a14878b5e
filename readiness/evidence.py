"""Go-live readiness, computed from evidence against the thresholds stored on the project.

Each in-scope module is checked on seven criteria; each check is ok, a warning or failing:

============================  =============================  ==============================  ===================
criterion                     ok                             warning                         failing
============================  =============================  ==============================  ===================
Key User coverage             two or more Key Users          one (a backup is recommended)   none
Key Users certified           share ≥ ready                  share ≥ at risk                 below
End users trained             share ≥ ready                  ≥ at risk, or nobody assigned   below
Deliverables signed off       share ≥ ready                  share ≥ at risk                 below
Acceptance tests passed       UAT pass rate ≥ ready and      ≥ ready but not signed off,     below at risk, or
                              the module signed off          or pass rate ≥ at risk          nothing planned
Blocking and S1–S2 issues     at most the number allowed     —                               more
Overdue issues                at most "ready up to"          at most "at risk up to"         more
============================  =============================  ==============================  ===================

A module is *not ready* when a check fails, *at risk* when one is a warning, *ready* otherwise. The
project is as ready as its least ready module (and not ready without any module in scope).

`module_figures` gives each module's evidence as plain numbers, read from the other apps' selectors
(a constant number of queries, all counting in the database): what a snapshot stores and what a
benchmark compares. `module_figures_on` reconstructs a past day from the dates the evidence carries
(sessions held, deliverables signed off, issues logged and settled, test runs and sign-offs); who must
be trained and which deliverables exist are today's, as on the training pages.
"""

import datetime
import functools
import math
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from acceptance.models import CycleScenario, ModuleSignOff, Result, TestCycle, TestRun
from acceptance.selectors import ModuleAcceptance, latest_uat_cycle, module_acceptance_status
from erpteam.queries import count_subquery
from erpteam.readiness_registry import Check, Level, Reason, criteria
from issues.models import Issue
from issues.selectors import EMPTY_COUNTS, module_issue_counts
from modules.models import BusinessModule, Deliverable
from modules.selectors import with_deliverable_counts
from projects.models import Project
from readiness.models import ReadinessStatus
from training.models import Attendance
from training.selectors import (
    certified_attendance_q,
    completion_by_module,
    required_end_users,
    required_key_users,
    trained_attendance_q,
)

Status = ReadinessStatus
S1_S2 = (Issue.Severity.S1, Issue.Severity.S2)
# The issue counts the figures take (`module_issue_counts`).
ISSUE_COUNTS = ("open", "open_blocking_or_s1_s2", "open_blocking", "open_s1_s2", "overdue")
# The burn-down forecast looks at how many blocking issues were settled in this many days.
FORECAST_WINDOW_DAYS = 14


# Each domain app declares its criteria in its `readiness` module; importing them fills the registry.
autodiscover_modules("readiness")
CRITERIA = criteria()
Criterion = StrEnum("Criterion", {c.key.upper(): c.key for c in CRITERIA})
Criterion.__doc__ = "The criteria, in the order the matrix shows them."
CRITERION_LABELS = {Criterion(c.key): c.label for c in CRITERIA}
CHECKS = tuple(c.rule for c in CRITERIA)


# --- Figures -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleFigures:
    """A module's evidence as plain numbers (a snapshot stores exactly these)."""

    module_id: int
    key_users: int  # active Key Users (primary and backups)
    key_users_certified: int
    end_users: int  # active end users assigned to the module: who must be trained
    end_users_trained: int
    deliverables: int
    deliverables_signed_off: int
    open_issues: int
    open_blockers: int  # open issues that block go-live or are S1–S2, each counted once
    open_blocking_go_live: int
    open_s1_s2: int
    overdue: int
    uat_planned: int  # the module's scenarios planned in the UAT cycle that counts (0 without one)
    uat_passed: int
    uat_failed: int  # failed or blocked
    uat_open_defects: int
    uat_signed_off: bool

    @property
    def uat_pass_rate(self) -> float | None:
        """Percent of the planned scenarios that passed, rounded down to a tenth; None when none are."""
        if not self.uat_planned:
            return None
        return math.floor(1000 * self.uat_passed / self.uat_planned) / 10

    def as_dict(self) -> dict:
        return asdict(self)


FIGURE_NAMES = tuple(f.name for f in fields(ModuleFigures) if f.name != "module_id")


@dataclass
class Evidence:
    """What the live computation read: the in-scope modules (with their Key Users and progress), their
    figures, their acceptance in the UAT cycle that counts, and that cycle."""

    modules: list[BusinessModule]
    figures: dict[int, ModuleFigures]
    acceptance: dict[int, ModuleAcceptance]
    uat_cycle: TestCycle | None


def gather(*, project: Project, today: datetime.date) -> Evidence:
    """Today's evidence of every in-scope module, from the training, issues, acceptance and modules
    selectors: six queries, whatever the number of modules, people and issues."""
    modules = list(
        with_deliverable_counts(BusinessModule.objects.filter(project=project, in_scope=True)).order_by("name")
    )
    training = completion_by_module(module_ids=[module.pk for module in modules])
    issues = module_issue_counts(project=project, names=ISSUE_COUNTS)
    acceptance = module_acceptance_status(project=project, today=today, modules=modules)
    uat_cycle = next((a.cycle for a in acceptance.values() if a.cycle is not None), None)
    figures = {}
    for module in modules:
        completion, counts, tests = training[module.pk], issues.get(module.pk, EMPTY_COUNTS), acceptance[module.pk]
        figures[module.pk] = ModuleFigures(
            module_id=module.pk,
            key_users=completion["key_users"].required,
            key_users_certified=completion["key_users"].done,
            end_users=completion["end_users"].required,
            end_users_trained=completion["end_users"].done,
            deliverables=module.deliverable_count,
            deliverables_signed_off=module.deliverable_signed_off_count,
            open_issues=counts["open"],
            open_blockers=counts["open_blocking_or_s1_s2"],
            open_blocking_go_live=counts["open_blocking"],
            open_s1_s2=counts["open_s1_s2"],
            overdue=counts["overdue"],
            uat_planned=tests.planned,
            uat_passed=tests.passed,
            uat_failed=tests.failed + tests.blocked,
            uat_open_defects=tests.open_defects,
            uat_signed_off=tests.signed_off,
        )
    return Evidence(modules=modules, figures=figures, acceptance=acceptance, uat_cycle=uat_cycle)


def module_figures(*, project: Project, today: datetime.date | None = None) -> dict[int, ModuleFigures]:
    """Module id → today's figures, for every in-scope module of the project."""
    return gather(project=project, today=today or timezone.localdate()).figures


def _end_of(day: datetime.date) -> datetime.datetime:
    """The last moment of a day: evidence dated up to it (inclusive) counts for the day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def _open_at(issues: QuerySet[Issue], end: datetime.datetime) -> QuerySet[Issue]:
    """The issues that were open at `end`: logged by then, and still open or settled after it."""
    return issues.alias(settled_at=Coalesce("resolved_at", "closed_at")).filter(
        Q(created_at__lte=end) & (Q(status__in=Issue.OPEN_STATUSES) | Q(settled_at__gt=end))
    )


def _overdue_at(end: datetime.datetime) -> Q:
    """Past a due time at `end` (for issues open then; the clock's pauses are not reconstructed)."""
    unanswered = Q(first_response_at__isnull=True) | Q(first_response_at__gt=end)
    return Q(resolve_due__lt=end) | (unanswered & Q(respond_due__lt=end))


def module_figures_on(*, project: Project, day: datetime.date) -> dict[int, ModuleFigures]:
    """Module id → the figures as they stood at the end of a past `day` (today: now), reconstructed
    from the dates of the evidence. Five queries (six with a UAT cycle)."""
    end = min(_end_of(day), timezone.now())
    module = OuterRef("pk")
    held = {"session__end_at__lte": end, "session__module": OuterRef("module"), "membership": OuterRef("membership")}
    modules = BusinessModule.objects.filter(project=project, in_scope=True).annotate(
        on_key_users=count_subquery(required_key_users().filter(module=module), per="module"),
        on_key_users_certified=count_subquery(
            required_key_users()
            .filter(module=module)
            .filter(Exists(Attendance.objects.filter(certified_attendance_q(), **held))),
            per="module",
        ),
        on_end_users=count_subquery(required_end_users().filter(module=module), per="module"),
        on_end_users_trained=count_subquery(
            required_end_users()
            .filter(module=module)
            .filter(Exists(Attendance.objects.filter(trained_attendance_q(), **held))),
            per="module",
        ),
        on_deliverables=count_subquery(Deliverable.objects.filter(module=module), per="module"),
        on_deliverables_signed_off=count_subquery(
            Deliverable.objects.filter(module=module, status=Deliverable.Status.SIGNED_OFF, signed_off_at__lte=end),
            per="module",
        ),
    )
    blocker_q = Q(blocks_go_live=True) | Q(severity__in=S1_S2)
    issues = {
        row.pop("module"): row
        for row in _open_at(Issue.objects.filter(project=project), end)
        .order_by()
        .values("module")
        .annotate(
            open_issues=Count("pk"),
            open_blockers=Count("pk", filter=blocker_q),
            open_blocking_go_live=Count("pk", filter=Q(blocks_go_live=True)),
            open_s1_s2=Count("pk", filter=Q(severity__in=S1_S2)),
            overdue=Count("pk", filter=_overdue_at(end)),
        )
    }
    acceptance = _acceptance_on(project=project, day=day, end=end)
    no_issues = dict.fromkeys(("open_issues", "open_blockers", "open_blocking_go_live", "open_s1_s2", "overdue"), 0)
    no_tests = {"uat_planned": 0, "uat_passed": 0, "uat_failed": 0, "uat_open_defects": 0, "uat_signed_off": False}
    return {
        m.pk: ModuleFigures(
            module_id=m.pk,
            key_users=m.on_key_users,
            key_users_certified=m.on_key_users_certified,
            end_users=m.on_end_users,
            end_users_trained=m.on_end_users_trained,
            deliverables=m.on_deliverables,
            deliverables_signed_off=m.on_deliverables_signed_off,
            **issues.get(m.pk, no_issues),
            **acceptance.get(m.pk, no_tests),
        )
        for m in modules
    }


def _acceptance_on(*, project: Project, day: datetime.date, end: datetime.datetime) -> dict[int, dict]:
    """Per module, its UAT figures at `end`: each planned scenario counts by its latest run started
    by then (finished by then, or still in progress)."""
    cycle = latest_uat_cycle(project=project, today=day)
    if cycle is None:
        return {}
    latest = TestRun.objects.filter(cycle=cycle, scenario=OuterRef("scenario"), started_at__lte=end).order_by(
        "-started_at", "-id"
    )
    state = Case(When(finished_at__lte=end, then=F("result")), default=Value("in_progress"))
    rows = (
        CycleScenario.objects.filter(cycle=cycle)
        .annotate(state=Subquery(latest.annotate(state=state).values("state")[:1]))
        .order_by()
        .values(module=F("scenario__module"))
        .annotate(
            uat_planned=Count("pk"),
            uat_passed=Count("pk", filter=Q(state=Result.PASSED)),
            uat_failed=Count("pk", filter=Q(state__in=[Result.FAILED, Result.BLOCKED])),
        )
    )
    figures = {row.pop("module"): {**row, "uat_open_defects": 0, "uat_signed_off": False} for row in rows}
    defects = (
        _open_at(Issue.objects.filter(acceptance_step_results__run__cycle=cycle), end)
        .order_by()
        .values(tested_module=F("acceptance_step_results__run__scenario__module"))
        .annotate(n=Count("pk", distinct=True))
    )
    for row in defects:
        module_figures = figures.setdefault(
            row["tested_module"], {"uat_planned": 0, "uat_passed": 0, "uat_failed": 0, "uat_signed_off": False}
        )
        module_figures["uat_open_defects"] = row["n"]
    for module_id in ModuleSignOff.objects.filter(cycle=cycle, signed_at__lte=end).values_list("module_id", flat=True):
        figures.setdefault(module_id, {"uat_planned": 0, "uat_passed": 0, "uat_failed": 0, "uat_open_defects": 0})
        figures[module_id]["uat_signed_off"] = True
    return figures


# --- Thresholds and rules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """The project's thresholds (percentages, and numbers of issues per module)."""

    training_ready: int
    training_at_risk: int
    certified_ready: int
    certified_at_risk: int
    deliverables_ready: int
    deliverables_at_risk: int
    acceptance_ready: int
    acceptance_at_risk: int
    blockers_max: int
    overdue_ready: int
    overdue_at_risk: int

    @classmethod
    def of(cls, project: Project) -> "Thresholds":
        return cls(**{name: getattr(project, f"readiness_{name}") for name in THRESHOLD_NAMES})


THRESHOLD_NAMES = tuple(f.name for f in fields(Thresholds))
THRESHOLD_FIELDS = tuple(f"readiness_{name}" for name in THRESHOLD_NAMES)


@functools.lru_cache(maxsize=8192)
def _page_url(prefix: str, name: str, kwargs: tuple, query: tuple, anchor: str) -> str:
    """A page's address (the same on every request: a dashboard asks for hundreds of them, most asked for
    on the previous request already). Keyed on the site's prefix; the arguments are tuples of hashable
    values (ids and words)."""
    path = reverse(name, kwargs=dict(kwargs))
    return path + (f"?{urlencode(query)}" if query else "") + (f"#{anchor}" if anchor else "")


def page_url(name: str, **kwargs) -> str:
    """`reverse(name, kwargs=kwargs)`, memoised (see `_page_url`)."""
    return _page_url(get_script_prefix(), name, tuple(sorted(kwargs.items())), (), "")


class EvidenceLinks:
    """Where the evidence of a project's readiness is shown: the other apps' pages, filtered to the
    module where they can be."""

    def __init__(self, project_id: int, uat_cycle_id: int | None = None):
        self.project_id = project_id
        self.uat_cycle_id = uat_cycle_id
        self.prefix = get_script_prefix()

    def _url(self, name: str, query: dict | None = None, anchor: str = "", **kwargs) -> str:
        arguments = (("project_id", self.project_id), *sorted(kwargs.items()))
        return _page_url(self.prefix, name, arguments, tuple((query or {}).items()), anchor)

    def module(self, module_id: int, anchor: str) -> str:
        return self._url("modules:detail", anchor=anchor, module_id=module_id)

    def training(self) -> str:
        return self._url("training:completion")

    def issues(self, module_id: int, **query) -> str:
        return self._url("issues:list", {"module": module_id, **query})

    def acceptance(self, module_id: int, **query) -> str:
        if self.uat_cycle_id is None:
            return self._url("acceptance:cycle_list")
        return self._url("acceptance:cycle_detail", {"module": module_id, **query}, pk=self.uat_cycle_id)


def share(done: int | None, total: int | None) -> float | None:
    """`done` out of `total` in percent, to a tenth; None when there is nothing to count."""
    return round(100 * done / total, 1) if total else None


def status_of(levels) -> Status:
    levels = set(levels)
    if Level.FAILING in levels:
        return Status.NOT_READY
    return Status.AT_RISK if Level.WARNING in levels else Status.READY


@dataclass
class ModuleReadiness:
    module: BusinessModule
    figures: ModuleFigures
    checks: list[Check]
    status: Status

    @cached_property
    def reasons(self) -> list[tuple[Check, Reason]]:
        return [(check, reason) for check in self.checks for reason in check.reasons]

    def check(self, criterion: Criterion) -> Check:
        return next(c for c in self.checks if c.criterion == criterion)

    @property
    def level_counts(self) -> Counter:
        return Counter(check.level for check in self.checks)


def evaluate(
    module: BusinessModule, figures: ModuleFigures, thresholds: Thresholds, links: EvidenceLinks
) -> ModuleReadiness:
    """Apply the rules (see the module docstring) to one module's figures."""
    checks = [check(figures, thresholds, links) for check in CHECKS]
    return ModuleReadiness(module, figures, checks, status_of(c.level for c in checks))


# --- The project -------------------------------------------------------------------------------------


STATUS_ORDER = {Status.NOT_READY: 0, Status.AT_RISK: 1, Status.READY: 2}
LEVEL_ORDER = {Level.FAILING: 0, Level.WARNING: 1, Level.OK: 2}
# What weighs most on a go-live comes first among the top risks.
RISK_ORDER = [Criterion(c.key) for c in sorted(CRITERIA, key=lambda c: c.risk)]


@dataclass
class ProjectReadiness:
    project: Project
    today: datetime.date
    thresholds: Thresholds
    modules: list[ModuleReadiness]
    uat_cycle: TestCycle | None = None
    acceptance: dict[int, ModuleAcceptance] = field(default_factory=dict)

    @property
    def status(self) -> Status:
        if not self.modules:
            return Status.NOT_READY
        return min((m.status for m in self.modules), key=STATUS_ORDER.__getitem__)

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter(m.status for m in self.modules)
        return {status: counts.get(status, 0) for status in Status.values}

    @property
    def days_to_go_live(self) -> int:
        return (self.project.target_go_live - self.today).days

    @property
    def days_past_go_live(self) -> int:
        return -self.days_to_go_live

    def module(self, module_id: int) -> ModuleReadiness | None:
        return next((m for m in self.modules if m.module.pk == module_id), None)

    def top_risks(self, limit: int = 6) -> list[tuple[ModuleReadiness, Check, Reason]]:
        """The reasons that matter most: failing checks before warnings, then by what weighs most on a
        go-live (`RISK_ORDER`), then by module."""
        risks = [(module, check, reason) for module in self.modules for check, reason in module.reasons]
        risks.sort(key=lambda r: (LEVEL_ORDER[r[1].level], RISK_ORDER.index(r[1].criterion), r[0].module.name))
        return risks[:limit]

    def total(self, done: str, required: str) -> tuple[int, int]:
        return (
            sum(getattr(m.figures, done) for m in self.modules),
            sum(getattr(m.figures, required) for m in self.modules),
        )


def project_readiness(*, project: Project, today: datetime.date | None = None) -> ProjectReadiness:
    """Every in-scope module's readiness today, from the live evidence."""
    today = today or timezone.localdate()
    return readiness_of(project=project, today=today, evidence=gather(project=project, today=today))


def readiness_of(*, project: Project, today: datetime.date, evidence: Evidence) -> ProjectReadiness:
    """The rules applied to evidence gathered today (live, or from the summary)."""
    thresholds = Thresholds.of(project)
    links = EvidenceLinks(project.pk, evidence.uat_cycle.pk if evidence.uat_cycle else None)
    modules = [evaluate(m, evidence.figures[m.pk], thresholds, links) for m in evidence.modules]
    return ProjectReadiness(project, today, thresholds, modules, evidence.uat_cycle, evidence.acceptance)


def project_readiness_on(*, project: Project, day: datetime.date) -> ProjectReadiness:
    """The project's readiness as it stood at the end of a past day (see `module_figures_on`)."""
    figures = module_figures_on(project=project, day=day)
    modules = BusinessModule.objects.filter(pk__in=figures).order_by("name")
    uat_cycle = latest_uat_cycle(project=project, today=day)
    thresholds = Thresholds.of(project)
    links = EvidenceLinks(project.pk, uat_cycle.pk if uat_cycle else None)
    return ProjectReadiness(
        project, day, thresholds, [evaluate(m, figures[m.pk], thresholds, links) for m in modules], uat_cycle
    )


# --- The burn-down forecast -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """When the open blocking and S1–S2 issues reach zero at the rate they were settled lately."""

    open: int
    settled: int  # in the last `window_days`
    logged: int  # in the last `window_days`
    window_days: int
    today: datetime.date
    target: datetime.date

    @property
    def per_week(self) -> float:
        return round(7 * self.settled / self.window_days, 1)

    @property
    def zero_on(self) -> datetime.date | None:
        """The day the count reaches zero; None when nothing was settled lately (no forecast)."""
        if self.open == 0:
            return self.today
        if self.settled == 0:
            return None
        return self.today + datetime.timedelta(days=math.ceil(self.open * self.window_days / self.settled))

    @property
    def margin_days(self) -> int | None:
        """Days between the forecast and the target go-live (negative: after the target)."""
        return None if self.zero_on is None else (self.target - self.zero_on).days

    @property
    def on_track(self) -> bool:
        return self.margin_days is not None and self.margin_days >= 0


def _recent_blockers(project: Project, since: datetime.datetime) -> QuerySet:
    """The project's blocking and S1–S2 issues settled and logged since `since` (one row)."""
    return (
        Issue.objects.filter(project=project, module__in_scope=True)
        .filter(Q(blocks_go_live=True) | Q(severity__in=S1_S2))
        .alias(settled_at=Coalesce("resolved_at", "closed_at"))
        .values("project")
        .annotate(
            settled=Count("pk", filter=Q(settled_at__gte=since) & ~Q(status__in=Issue.OPEN_STATUSES)),
            logged=Count("pk", filter=Q(created_at__gte=since)),
        )
        .order_by()
        .values_list("settled", "logged")
    )


def blocker_forecast(*, readiness: ProjectReadiness, now: datetime.datetime | None = None) -> Forecast:
    """The burn-down forecast of the project's open blocking and S1–S2 issues (one query)."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=FORECAST_WINDOW_DAYS)
    rows = list(_recent_blockers(readiness.project, since))
    settled, logged = rows[0] if rows else (0, 0)
    return Forecast(
        open=sum(m.figures.open_blockers for m in readiness.modules),
        settled=settled,
        logged=logged,
        window_days=FORECAST_WINDOW_DAYS,
        today=readiness.today,
        target=readiness.project.target_go_live,
    )


# --- The evidence a decision keeps --------------------------------------------------------------------


def evidence_record(readiness: ProjectReadiness, forecast: Forecast | None = None) -> dict:
    """The readiness as JSON, with the reasons as they read at that moment."""
    cycle = readiness.uat_cycle
    return {
        "day": readiness.today.isoformat(),
        "status": readiness.status.value,
        "counts": readiness.counts,
        "target_go_live": readiness.project.target_go_live.isoformat(),
        "days_to_go_live": readiness.days_to_go_live,
        "thresholds": asdict(readiness.thresholds),
        "uat_cycle": {"id": cycle.pk, "name": cycle.name} if cycle else None,
        "forecast": None
        if forecast is None
        else {
            "open": forecast.open,
            "settled": forecast.settled,
            "window_days": forecast.window_days,
            "zero_on": forecast.zero_on.isoformat() if forecast.zero_on else None,
        },
        "modules": [
            {
                "id": m.module.pk,
                "code": m.module.code,
                "name": m.module.name,
                "status": m.status.value,
                "figures": m.figures.as_dict(),
                "checks": [
                    {
                        "criterion": str(c.criterion),
                        "level": c.level.value,
                        "value": c.value,
                        "reasons": [{"text": str(r.text), "url": r.url} for r in c.reasons],
                    }
                    for c in m.checks
                ],
            }
            for m in readiness.modules
        ],
    }
