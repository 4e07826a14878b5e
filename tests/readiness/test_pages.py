"""The readiness pages and the portfolio run the same number of queries at two data sizes: 5 modules
with 50 people and 500 issues, then 40 modules with 5,000 people and 50,000 issues (bulk inserts, so
the test stays quick; the figures are counted in the database)."""

import datetime
import itertools
import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from acceptance import models as acceptance
from issues.models import Issue
from modules.models import BusinessModule, Deliverable, KeyUserAssignment, ModuleEndUser
from people.models import Membership, User
from readiness import services as readiness_services
from readiness.models import ReadinessSnapshot, ReadinessStatus
from tests.querycount import queries_for
from training.models import Attendance, TrainingSession

pytestmark = pytest.mark.django_db

Role = Membership.Role
_serial = itertools.count(1)


def grow(team, *, modules: int, people: int, issues: int) -> None:
    """Add `modules` modules (two Key Users each, six deliverables, a held train-the-trainer and
    end-user session, two UAT scenarios run), `people` end users (two in three trained) and `issues`
    issues of every status and severity, plus a month of snapshots, all in bulk."""
    project, now = team.project, timezone.now()
    batch = next(_serial)
    users = User.objects.bulk_create(
        [User(username=f"b{batch}-{n}", password="!") for n in range(people + 2 * modules)], batch_size=2000
    )
    members = Membership.objects.bulk_create(
        [
            Membership(project=project, user=user, role=Role.KEY_USER if n < 2 * modules else Role.END_USER)
            for n, user in enumerate(users)
        ],
        batch_size=2000,
    )
    key_users, end_users = members[: 2 * modules], members[2 * modules :]
    new = BusinessModule.objects.bulk_create(
        [BusinessModule(project=project, code=f"b{batch}-m{n}", name=f"Module {batch}.{n}") for n in range(modules)]
    )
    KeyUserAssignment.objects.bulk_create(
        [
            KeyUserAssignment(module=module, membership=key_users[2 * n + k], kind=kind)
            for n, module in enumerate(new)
            for k, kind in enumerate(("primary", "backup"))
        ]
    )
    ModuleEndUser.objects.bulk_create(
        [ModuleEndUser(module=new[n % modules], membership=person) for n, person in enumerate(end_users)],
        batch_size=2000,
    )
    Deliverable.objects.bulk_create(
        [
            Deliverable(
                module=module,
                name=f"Deliverable {d}",
                position=d,
                status="signed_off" if d < 4 else "in_progress",
                signed_off_at=now if d < 4 else None,
            )
            for module in new
            for d in range(6)
        ]
    )
    start, hours = now - datetime.timedelta(days=3), lambda n: datetime.timedelta(hours=n)
    sessions = TrainingSession.objects.bulk_create(
        [
            TrainingSession(
                module=module,
                kind=kind,
                title=kind,
                start_at=start,
                end_at=start + datetime.timedelta(hours=2),
                status="held",
            )
            for module in new
            for kind in ("train_the_trainer", "end_user")
        ]
    )
    Attendance.objects.bulk_create(
        [Attendance(session=sessions[2 * n], membership=key_users[2 * n], status="present") for n in range(modules)]
        + [
            Attendance(session=sessions[2 * (n % modules) + 1], membership=person, status="present")
            for n, person in enumerate(end_users)
            if n % 3
        ],
        batch_size=2000,
    )
    first = (Issue.objects.filter(project=project).order_by("-number").values_list("number", flat=True).first()) or 0
    statuses = ["new", "triaged", "in_progress", "resolved", "closed"]
    Issue.objects.bulk_create(
        [
            Issue(
                project=project,
                number=first + n + 1,
                module=new[n % modules],
                title=f"Issue {n}",
                category=Issue.Category.values[n % 5],
                severity=Issue.Severity.values[n % 4],
                status=statuses[n % 5],
                reporter=key_users[0],
                blocks_go_live=n % 7 == 0,
                created_at=now - hours(n % 500),
                resolved_at=now - hours(n % 300) if n % 5 >= 3 else None,
                respond_due=now - hours(n % 48),
                resolve_due=now + hours(24 - n % 48),
            )
            for n in range(issues)
        ],
        batch_size=5000,
    )
    today = timezone.localdate()
    cycle, _created = acceptance.TestCycle.objects.get_or_create(
        project=project,
        name="UAT",
        defaults={"kind": "uat", "start_date": today - datetime.timedelta(days=5), "end_date": today},
    )
    scenarios = acceptance.TestScenario.objects.bulk_create(
        [
            acceptance.TestScenario(
                project=project, module=module, reference=f"b{batch}-{n}-{s}", title="Process", owner=key_users[2 * n]
            )
            for n, module in enumerate(new)
            for s in range(2)
        ]
    )
    acceptance.CycleScenario.objects.bulk_create([acceptance.CycleScenario(cycle=cycle, scenario=s) for s in scenarios])
    acceptance.TestRun.objects.bulk_create(
        [
            acceptance.TestRun(
                cycle=cycle,
                scenario=scenario,
                tester=scenario.owner,
                started_by=scenario.owner,
                finished_at=now,
                result=acceptance.Result.PASSED if n % 3 else acceptance.Result.FAILED,
            )
            for n, scenario in enumerate(scenarios)
        ]
    )
    acceptance.ModuleSignOff.objects.bulk_create(
        [
            acceptance.ModuleSignOff(cycle=cycle, module=module, signed_by=key_users[2 * n])
            for n, module in enumerate(new)
            if n % 2
        ]
    )
    ReadinessSnapshot.objects.bulk_create(
        [
            ReadinessSnapshot(
                project=project,
                module=module,
                day=today - datetime.timedelta(days=d),
                status=ReadinessStatus.values[(n + d) % 3],
                checks_ok=4,
                checks_warning=2,
                checks_failing=1,
                end_users=people // modules,
                end_users_trained=d,
            )
            for n, module in enumerate(new)
            for d in range(1, 30)
        ],
        batch_size=2000,
    )


PAGES = [
    ("readiness:dashboard", Role.MANAGER),
    ("readiness:dashboard", Role.KEY_USER),
    ("readiness:report", Role.MANAGER),
    ("readiness:export", Role.APP_CONSULTANT),
    ("readiness:module", Role.IT_USER),
    ("readiness:decision_list", Role.MANAGER),
    ("readiness:decision_detail", Role.MANAGER),
    ("readiness:decision_create", Role.MANAGER),
    ("portfolio", Role.MANAGER),
]


def measure(team, clients, urls) -> dict[str, int]:
    # grow() writes in bulk, past the services and the signals that renew the readiness summary: start
    # from an empty cache at both sizes (the dashboard then gathers the evidence once, then reads it).
    cache.clear()
    return {f"{name} as {role}": queries_for(clients[role], urls[name]) for name, role in PAGES}


def test_readiness_pages_run_the_same_queries_for_5_and_40_modules(team):
    started = time.monotonic()
    grow(team, modules=4, people=50, issues=500)  # with the team's Finance: 5 modules
    readiness_services.readiness_snapshot_take(project=team.project)
    decision = readiness_services.go_live_decision_record(
        project=team.project, decided_by=team.members[Role.MANAGER], outcome="no_go", rationale="Not yet."
    )
    module = BusinessModule.objects.filter(project=team.project).order_by("pk").last()
    p = team.project.pk
    urls = {
        "readiness:dashboard": reverse("readiness:dashboard", args=[p]),
        "readiness:report": reverse("readiness:report", args=[p]),
        "readiness:export": reverse("readiness:export", args=[p]) + "?format=xlsx",
        "readiness:module": reverse("readiness:module", args=[p, module.pk]),
        "readiness:decision_list": reverse("readiness:decision_list", args=[p]),
        "readiness:decision_detail": reverse("readiness:decision_detail", args=[p, decision.pk]),
        "readiness:decision_create": reverse("readiness:decision_create", args=[p]),
        "portfolio": reverse("portfolio"),
    }
    clients = {role: team.client_for(role) for _name, role in PAGES}
    small = measure(team, clients, urls)

    grow(team, modules=35, people=4950, issues=49500)
    readiness_services.readiness_snapshot_take(project=team.project)
    readiness_services.go_live_decision_record(
        project=team.project, decided_by=team.members[Role.MANAGER], outcome="no_go", rationale="Still not."
    )
    assert BusinessModule.objects.filter(project=team.project).count() == 40
    assert Issue.objects.filter(project=team.project).count() == 50000
    large = measure(team, clients, urls)
    assert large == small
    print(f"\nqueries per page at both sizes: {small}; {time.monotonic() - started:.1f} s")
