"""The benchmark's hand-written SQL (bench/readiness.sql) computes the readiness figures the app
computes, so `make bench` compares the dashboard with the same work done by the database alone."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from bench.pages import Subject, dashboard_against_sql, figures_differ, sql_plan_and_run
from demo import scale
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


def test_the_dashboard_is_timed_against_the_sql_in_rounds(client):
    call_command("seed_demo", stdout=io.StringIO())
    subject = Subject.of("hdpm-s4")
    client.force_login(subject.user)
    url = reverse("readiness:dashboard", args=[subject.project.pk])
    comparison = dashboard_against_sql(client, url, subject.project, turns=4, warmup=1)
    assert comparison.modules == subject.project.modules.filter(in_scope=True).count()
    assert min(comparison.page_ms, comparison.figures_ms, comparison.sql_ms) > 0
    assert 0 < comparison.round_ratios[0] <= comparison.round_ratios[1]
    assert comparison.ratio == comparison.page_ms / comparison.sql_ms
