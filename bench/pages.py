"""`make bench`: queries and median server time of the main pages, at the demo's size and at the size of
a large rollout (`seed_demo --scale 1`), on PostgreSQL; and the readiness dashboard, and the app's
figures alone, against hand-written SQL that computes the same figures (`bench/readiness.sql`).

Each page is requested in process with Django's test client, as the project's lead application
consultant (who may see every page): warm-up requests first, then one request counting the queries,
then `--runs` timed requests, of which the median is shown. The dashboard, the app's figures and the SQL
are then timed in `--turns` rounds (one of each per round, so that all three see the same load on the
machine); the ratio is of their medians, with the spread of the rounds' own ratios beside it.

Targets: the same number of queries at both sizes, no page over 20 queries, and the dashboard at most
three times as slow as the SQL: a missed one is reported. The exit status is 1 only when a page fails
or the SQL's figures differ from the app's (the comparison would mean nothing).
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import django

from bench import database

MAX_QUERIES = 20
MAX_DASHBOARD_RATIO = 3.0
SQL_FILE = Path(__file__).with_name("readiness.sql")


@dataclass(frozen=True)
class Subject:
    """One project and the objects its pages are measured with, alike at both sizes: the module with the
    most issues, the decided issue with the longest timeline (alternatives, decision, escalations and
    comments on one page), and the module's held end-user session with the most attendees."""

    project: object
    user: object
    module: object
    issue: object
    session: object

    @classmethod
    def of(cls, code: str) -> "Subject":
        from django.db.models import Count, Exists, OuterRef

        from issues.models import Decision, Issue
        from modules.models import BusinessModule
        from people.models import Membership
        from projects.models import Project
        from training.models import TrainingSession

        project = Project.objects.get(code=code)
        lead = (
            Membership.objects.filter(project=project, role=Membership.Role.APP_CONSULTANT, is_active=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        module = (
            BusinessModule.objects.filter(project=project, in_scope=True)
            .annotate(n=Count("issues"))
            .order_by("-n", "pk")
            .first()
        )
        decided = Exists(Decision.objects.filter(issue=OuterRef("pk")))
        issue = (
            Issue.objects.filter(project=project)
            .annotate(decided=decided, n=Count("events"))
            .order_by("-decided", "-n", "pk")
            .first()
        )
        session = (
            TrainingSession.objects.filter(
                module=module, kind=TrainingSession.Kind.END_USER, status=TrainingSession.Status.HELD
            )
            .annotate(n=Count("attendances"))
            .order_by("-n", "pk")
            .first()
        )
        return cls(project=project, user=lead.user, module=module, issue=issue, session=session)

    def describe(self) -> str:
        from issues.models import Issue
        from people.models import Membership

        people = Membership.objects.filter(project=self.project).count()
        issues = Issue.objects.filter(project=self.project).count()
        modules = self.project.modules.count()
        return f"{self.project.code}: {modules:,} modules, {people:,} people, {issues:,} issues"


def pages() -> list[tuple[str, Callable[[Subject], str]]]:
    from django.urls import reverse

    def project(name: str, **kwargs) -> Callable[[Subject], str]:
        return lambda s: reverse(name, kwargs={"project_id": s.project.pk, **{k: f(s) for k, f in kwargs.items()}})

    module_id = {"module_id": lambda s: s.module.pk}
    session_id = {"session_id": lambda s: s.session.pk}
    return [
        ("home", lambda s: reverse("home")),
        ("portfolio", lambda s: reverse("portfolio")),
        ("readiness dashboard", project("readiness:dashboard")),
        ("module page", project("modules:detail", **module_id)),
        ("roster", project("people:list")),
        ("issue list", project("issues:list")),
        (
            "issue list, filtered",
            lambda s: f"{project('issues:list')(s)}?status=open&module={s.module.pk}&sort=-severity",
        ),
        ("issue page", project("issues:detail", issue_id=lambda s: s.issue.pk)),
        ("session page", project("training:detail", **session_id)),
        ("attendance form", project("training:attendance", **session_id)),
        ("training completion", project("training:completion")),
    ]


@dataclass
class Measure:
    queries: int | None = None
    median_ms: float | None = None
    error: str = ""


class QueryCounter:
    """Counts the statements run through a connection (an execute wrapper: logging is off)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(client, url: str, *, runs: int, warmup: int) -> Measure:
    from django.db import connection

    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            return Measure(error=f"HTTP {response.status_code}")
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        client.get(url)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - started)
    return Measure(queries=counter.count, median_ms=1000 * statistics.median(timings))


def _sql_params(project_id: int) -> dict:
    """The SQL's parameters for a project, today."""
    from django.utils import timezone

    return {"project_id": project_id, "today": timezone.localdate(), "now": timezone.now()}


def run_sql(project_id: int) -> tuple[list[dict], float]:
    """The hand-written SQL's rows, and the seconds it took to execute and fetch them."""
    from django.db import connection

    params = _sql_params(project_id)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(SQL_FILE.read_text(), params)
        rows = cursor.fetchall()
        elapsed = time.perf_counter() - started
        columns = [column.name for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in rows], elapsed


def sql_plan_and_run(project_id: int) -> tuple[float, float]:
    """PostgreSQL's own planning and execution times of the SQL, in milliseconds (EXPLAIN ANALYZE, once:
    what its time is spent on, not a measurement to compare)."""
    from django.db import connection

    params = _sql_params(project_id)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) {SQL_FILE.read_text()}", params)
        (plan,) = cursor.fetchone()[0]
    return plan["Planning Time"], plan["Execution Time"]


@dataclass
class Comparison:
    page_ms: float
    figures_ms: float
    sql_ms: float
    modules: int
    round_ratios: tuple[float, float]  # the first and third quartiles of the rounds' page / SQL

    @property
    def ratio(self) -> float:
        return self.page_ms / self.sql_ms


def dashboard_against_sql(client, url: str, project, *, turns: int, warmup: int) -> Comparison:
    """The median times in milliseconds of the dashboard, of the app's figures alone
    (`readiness.evidence.module_figures`, the part of the page the SQL compares with) and of the SQL,
    taken in `turns` rounds (so all three see the same load on the machine); the number of modules the
    SQL reports; and the quartiles of the rounds' own page / SQL ratios."""
    from readiness.evidence import module_figures

    for _ in range(warmup):
        client.get(url)
        module_figures(project=project)
        run_sql(project.pk)
    page, figures, sql, modules = [], [], [], 0
    for _ in range(turns):
        started = time.perf_counter()
        client.get(url)
        page.append(time.perf_counter() - started)
        started = time.perf_counter()
        module_figures(project=project)
        figures.append(time.perf_counter() - started)
        rows, elapsed = run_sql(project.pk)
        sql.append(elapsed)
        modules = len(rows)
    quartiles = statistics.quantiles([p / q for p, q in zip(page, sql, strict=True)], n=4)
    return Comparison(
        *(1000 * statistics.median(times) for times in (page, figures, sql)), modules, (quartiles[0], quartiles[2])
    )


def figures_differ(project) -> list[str]:
    """Where the SQL's figures differ from the app's (`readiness.evidence.module_figures`)."""
    from readiness.evidence import module_figures

    app = {module_id: figures.as_dict() for module_id, figures in module_figures(project=project).items()}
    rows, _elapsed = run_sql(project.pk)
    sql = {row["module_id"]: row for row in rows}
    differences = [f"modules: app {sorted(app)} vs SQL {sorted(sql)}"] if app.keys() != sql.keys() else []
    for module_id, expected in app.items():
        got = sql.get(module_id, {})
        differences += [
            f"module {module_id} {name}: app {value} vs SQL {got.get(name)}"
            for name, value in expected.items()
            if got and got.get(name) != value
        ]
    return differences


def _print_pages(results: dict[str, list[Measure]], subjects: list[Subject]) -> tuple[list[str], list[str]]:
    """The pages' queries and times on both projects, side by side; returns (targets missed, pages broken)."""
    header = "".join(f"{s.project.code + ' queries':>18} {'ms':>8}" for s in subjects)
    print(f"\n{'page':<22}{header}")
    missed, broken = [], []
    for name, (a, b) in results.items():
        cells = "".join(f"{m.error[:26]:>27}" if m.error else f"{m.queries:>18} {m.median_ms:>8.1f}" for m in (a, b))
        flags = []
        if a.error or b.error:
            broken.append(f"{name}: {a.error or b.error}")
            flags.append("error")
        else:
            if a.queries != b.queries:
                flags.append("queries differ")
            if max(a.queries, b.queries) > MAX_QUERIES:
                flags.append(f"over {MAX_QUERIES} queries")
        missed += [f"{name}: {flag}" for flag in flags if flag != "error"]
        print(f"{name:<22}{cells}  {'; '.join(flags)}")
    return missed, broken


def _print_dashboard_against_sql(subjects: list[Subject], *, turns: int, warmup: int) -> tuple[list[str], list[str]]:
    """The readiness dashboard against the hand-written SQL on each project; returns (targets missed, broken)."""
    from django.test import Client

    missed: list[str] = []
    broken: list[str] = []
    print("\nReadiness dashboard against hand-written SQL computing the same figures (bench/readiness.sql), in turns:")
    url_of = dict(pages())["readiness dashboard"]
    for subject in subjects:
        client = Client()
        client.force_login(subject.user)
        try:
            comparison = dashboard_against_sql(client, url_of(subject), subject.project, turns=turns, warmup=warmup)
            differences = figures_differ(subject.project)
            planning_ms, execution_ms = sql_plan_and_run(subject.project.pk)
        except Exception as error:  # a failure is reported, the other project still measured
            broken.append(f"dashboard of {subject.project.code}: {type(error).__name__}: {error}"[:80])
            continue
        c = comparison
        ratio = c.ratio
        verdict = "figures equal" if not differences else f"{len(differences)} figures differ"
        print(
            f"  {subject.project.code:<10} page {c.page_ms:7.1f} ms, SQL {c.sql_ms:6.1f} ms ({c.modules} modules): "
            f"ratio {ratio:.2f} (target ≤ {MAX_DASHBOARD_RATIO:g}; the rounds' own: {c.round_ratios[0]:.2f}–"
            f"{c.round_ratios[1]:.2f} between the quartiles); {verdict}"
        )
        print(f"  {'':<10} the app's figures alone {c.figures_ms:6.1f} ms: {c.figures_ms / c.sql_ms:.2f} times the SQL")
        print(f"  {'':<10} the SQL's own planning {planning_ms:.1f} ms and execution {execution_ms:.1f} ms (EXPLAIN)")
        for difference in differences[:10]:
            print(f"    {difference}")
        if ratio > MAX_DASHBOARD_RATIO:
            missed.append(f"dashboard of {subject.project.code}: ratio {ratio:.2f}")
        if differences:
            broken.append(f"dashboard of {subject.project.code}: figures differ from the SQL")
    return missed, broken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed requests per page (default 7)")
    parser.add_argument("--warmup", type=int, default=2, help="requests before measuring (default 2)")
    parser.add_argument("--turns", type=int, default=21, help="rounds of the dashboard against the SQL (default 21)")
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark database and seed it again")
    args = parser.parse_args()

    url = database.configure(DJANGO_DEBUG="false", DJANGO_DB_POOL="true")
    django.setup()
    database.prepare(url, fresh=args.fresh)

    from django.test import Client

    subjects = [Subject.of(database.DEMO_CODE), Subject.of(database.SCALE_CODE)]
    print(f"\nServer time in process (Django test client, PostgreSQL {url.rsplit('/', 1)[-1]}), ", end="")
    print(f"median of {args.runs} requests after {args.warmup} warm-ups, as each project's lead consultant.")
    print(f"  load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work skews the times)")
    for subject in subjects:
        print(f"  {subject.describe()}")
    results: dict[str, list[Measure]] = {}
    for name, url_of in pages():
        results[name] = []
        for subject in subjects:
            client = Client()
            client.force_login(subject.user)
            try:
                results[name].append(measure(client, url_of(subject), runs=args.runs, warmup=args.warmup))
            except Exception as error:  # a page being built may fail: report it and go on
                results[name].append(Measure(error=f"{type(error).__name__}: {error}"[:60]))

    missed, broken = _print_pages(results, subjects)
    dashboard_missed, dashboard_broken = _print_dashboard_against_sql(subjects, turns=args.turns, warmup=args.warmup)
    missed += dashboard_missed
    broken += dashboard_broken

    print("\nTargets: " + ("all met." if not missed else "missed — " + "; ".join(missed)))
    if broken:
        print("Broken: " + "; ".join(broken))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
