"""The benchmark's hand-written SQL (bench/readiness.sql) computes the readiness figures the app
computes, so `make bench` compares the dashboard with the same work done by the database alone."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from bench.pages import figures_differ, sql_plan_and_run
from projects import scale
from projects.models import Project

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the SQL is PostgreSQL's; run with DATABASE_URL=postgres://…"
    ),
]


def test_the_sql_gives_the_apps_readiness_figures_for_the_demo_and_a_synthetic_rollout():
    call_command("seed_demo", stdout=io.StringIO())
    scale.seed(count=1, size=scale.Size(modules=6, people=120, sessions=60, issues=400))
    projects = Project.objects.filter(code__in=["hdpm-s4", "hdpm-sz", "scale-1"])
    assert projects.count() == 3
    for project in projects:
        assert figures_differ(project) == [], project.code


def test_the_benchmark_reads_the_sqls_planning_and_execution_times_from_postgresql():
    call_command("seed_demo", stdout=io.StringIO())
    planning, execution = sql_plan_and_run(Project.objects.get(code="hdpm-s4").pk)
    assert planning > 0
    assert execution > 0
