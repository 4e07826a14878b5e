"""The readiness summary is never stale: after a change to any criterion's evidence, made through the
owning app's service (or the admin, or another process), the next dashboard request shows it; the
dashboard reads a warm summary with fewer queries; and it still answers when the cache does not."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from acceptance import services as acceptance_services
from acceptance.models import Result
from issues.models import Issue
from modules import services as module_services
from people.models import Membership
from readiness import summary
from readiness.evidence import ModuleFigures
from team import services as team_services
from tests.acceptance.factories import run_make
from tests.factories import MembershipFactory
from tests.querycount import queries_for
from training.models import TrainingSession

pytestmark = pytest.mark.django_db

Role = Membership.Role
ROOT = Path(__file__).resolve().parents[2]


def figures(team, client) -> ModuleFigures:
    """The team's Finance module's figures, as the dashboard shows them."""
    response = client.get(reverse("readiness:dashboard", args=[team.project.pk]))
    assert response.status_code == 200
    return response.context["readiness"].module(team.module.pk).figures


@pytest.fixture
def client(team):
    return team.client_for(Role.MANAGER)


@pytest.fixture
def change(django_capture_on_commit_callbacks):
    """Run a change as a committed request would: the hooks run after it."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_key_user_coverage(team, evidence, client, change):
    assert figures(team, client).key_users == 1
    with change():
        evidence.backup_key_user()
    assert figures(team, client).key_users == 2


def test_key_users_certified(team, evidence, client, change):
    assert figures(team, client).key_users_certified == 0
    with change():
        evidence.session([evidence.key_user], kind=TrainingSession.Kind.TRAIN_THE_TRAINER, days=-3)
    assert figures(team, client).key_users_certified == 1


def test_end_users_trained(team, evidence, client, change):
    assert figures(team, client).end_users == 0
    with change():
        people = evidence.end_users(3)  # assigned one at a time
    assert (figures(team, client).end_users, figures(team, client).end_users_trained) == (3, 0)
    with change():
        evidence.session(people[:2])  # invited in bulk, then marked present
    assert figures(team, client).end_users_trained == 2


def test_an_account_deactivated(team, evidence, client, change):
    with change():
        backup = evidence.backup_key_user()
    assert figures(team, client).key_users == 2
    with change():
        team_services.user_deactivate(user=backup.user)
    assert figures(team, client).key_users == 1


def test_end_users_assigned_in_bulk(team, client, change):
    assert figures(team, client).end_users == 0
    people = [MembershipFactory(project=team.project, role=Role.END_USER) for _ in range(2)]
    with change():
        module_services.module_end_users_add(pairs=[(team.module, person) for person in people])
    assert figures(team, client).end_users == 2


def test_deliverables_signed_off(team, evidence, client, change):
    before = figures(team, client)
    assert before.deliverables > 0
    with change():
        evidence.sign_off_deliverables(1)
    assert figures(team, client).deliverables_signed_off == before.deliverables_signed_off + 1


def test_acceptance(team, evidence, client, change):
    with change():
        cycle = evidence.uat([Result.PASSED, Result.NOT_RUN], signed_off=False, start_days=-2)
    assert (figures(team, client).uat_planned, figures(team, client).uat_passed) == (2, 1)
    scenario = cycle.planned.exclude(scenario__runs__isnull=False).get().scenario
    with change():
        run_make(cycle=cycle, scenario=scenario, tester=evidence.key_user, results=[Result.PASSED], finish=True)
    assert figures(team, client).uat_passed == 2
    with change():
        acceptance_services.sign_off_create(cycle=cycle, module=team.module, signed_by=evidence.key_user)
    assert figures(team, client).uat_signed_off


def test_blockers(team, evidence, client, change):
    assert figures(team, client).open_blockers == 0
    with change():
        issue = evidence.issue(severity="s1")
    assert figures(team, client).open_blockers == 1
    with change():
        evidence.settle(issue)
    assert figures(team, client).open_blockers == 0


def test_overdue_by_a_change(team, evidence, client, change):
    assert figures(team, client).overdue == 0
    with change():
        evidence.issue(severity="s2", days=-30)  # logged a month ago: past its due times
    assert figures(team, client).overdue == 1


def test_the_summary_expires_when_the_next_open_issue_falls_due(team, evidence, change, monkeypatch):
    with change():
        issue = evidence.issue(severity="s3", days=0)
    now = timezone.now()
    monkeypatch.setattr(summary, "MAX_AGE", 10**9)
    due = min(issue.respond_due, issue.resolve_due)
    assert due > now
    assert summary._expires_in(team.project, now) == int((due - now).total_seconds()) + 1
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    midnight = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    after_midnight = int((midnight - now).total_seconds()) + 1
    Issue.objects.filter(pk=issue.pk).update(sla_paused_at=now)  # a paused clock does not fall due
    assert summary._expires_in(team.project, now) == after_midnight


@pytest.mark.skipif(bool(settings.CACHES["default"]["BACKEND"].endswith("RedisCache")), reason="Redis keeps real time")
def test_overdue_by_time_alone(team, evidence, client, change):
    with change():
        issue = evidence.issue(severity="s2", days=0)
    assert figures(team, client).overdue == 0
    with time_machine.travel(issue.resolve_due + datetime.timedelta(minutes=1)):
        assert figures(team, team.client_for(Role.MANAGER)).overdue == 1  # signed in again: days have passed


def test_a_change_in_the_admin(team, client, change):
    backup = MembershipFactory(project=team.project, role=Role.KEY_USER)
    assert figures(team, client).key_users == 1
    with change():
        response = team.client_for("staff").post(
            reverse("admin:modules_keyuserassignment_add"),
            {"module": team.module.pk, "membership": backup.pk, "kind": "backup"},
        )
    assert response.status_code == 302
    assert figures(team, client).key_users == 2


def test_the_warm_dashboard_runs_fewer_queries(team, evidence, client, capsys):
    evidence.issue(severity="s1")
    url = reverse("readiness:dashboard", args=[team.project.pk])
    cold = queries_for(client, url)
    warm = queries_for(client, url)
    assert warm < cold
    with capsys.disabled():
        print(f"\ndashboard queries: {cold} cold, {warm} warm")


class Unreachable:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail


def test_the_dashboard_answers_when_the_cache_is_unreachable(team, evidence, client, change, monkeypatch):
    monkeypatch.setattr(summary, "cache", Unreachable())
    assert figures(team, client).open_blockers == 0
    with change():
        evidence.issue(severity="s1")
    assert figures(team, client).open_blockers == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql") or not os.environ.get("REDIS_URL"),
    reason="two processes share the test database and the cache only on PostgreSQL with Redis",
)
def test_two_processes_agree(team, evidence, client):
    assert figures(team, client).open_blockers == 0
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or 'localhost'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    script = (
        "from issues import services; from modules.models import BusinessModule; "
        f"module = BusinessModule.objects.get(pk={team.module.pk}); "
        "services.issue_create(module=module, title='Posting fails', description='', category='defect', "
        f"severity='s1', reporter=module.key_user_assignments.get().membership, blocks_go_live=True)"
    )
    environment = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=environment, check=True, timeout=120
    )
    assert figures(team, client).open_blockers == 1
