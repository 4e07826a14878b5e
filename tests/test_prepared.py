"""Prepared queries: compiled once, run with each call's values, rows as the queryset's own."""

import datetime

import pytest
from django.db.models import Count, DateTimeField, IntegerField, Q
from django.utils import timezone

from erpteam.prepared import Param, PreparedQuery
from modules.models import BusinessModule
from tests.factories import module_make

T0 = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))


class Built:
    """A query written once, for a project, the modules among `ids`, and a moment: counts how often it
    is built with `Param`s (compiled) rather than with plain values (the ordinary queryset)."""

    def __init__(self):
        self.compiled = 0

    def __call__(self, *, project, ids, since):
        self.compiled += isinstance(project, Param)
        return (
            BusinessModule.objects.filter(project=project, id__in=ids)
            .values("in_scope")
            .annotate(n=Count("pk"), recent=Count("pk", filter=Q(created_at__gte=since)))
            .order_by("in_scope")
            .values_list("in_scope", "n", "recent")
        )


@pytest.fixture
def modules(team):
    module_make(project=team.project, code="wh", in_scope=False)
    module_make(project=team.project, code="co")
    return list(BusinessModule.objects.filter(project__in=[team.project, team.other_project]).order_by("pk"))


def test_rows_are_the_querysets_for_every_value_and_it_is_compiled_once(team, modules, django_assert_num_queries):
    build = Built()
    prepared = PreparedQuery(build, project=IntegerField(), ids=IntegerField(), since=DateTimeField())
    ids = [m.pk for m in modules]
    cases = [
        (team.project.pk, ids, T0),
        (team.project.pk, ids, timezone.now() + datetime.timedelta(days=1)),  # none recent
        (team.other_project.pk, ids, T0),
        (team.project.pk, [modules[0].pk, modules[-1].pk, team.module.pk], T0),
    ]
    for project, some, since in cases:
        with django_assert_num_queries(1):
            rows = prepared.rows(project=project, ids=some, since=since)
        assert rows == list(build(project=project, ids=some, since=since))
        assert rows
        assert all(isinstance(in_scope, bool) for in_scope, _n, _recent in rows)
    assert prepared.rows(project=team.project.pk, ids=ids, since=T0) == [(False, 1, 1), (True, 2, 2)]
    assert build.compiled == 2  # once for each length of the list of ids (4 and 3)


def test_an_empty_list_has_no_rows_without_a_query(team, django_assert_num_queries):
    prepared = PreparedQuery(Built(), project=IntegerField(), ids=IntegerField(), since=DateTimeField())
    with django_assert_num_queries(0):
        assert prepared.rows(project=team.project.pk, ids=[], since=T0) == []


def test_a_value_missing_or_unknown_is_refused(team):
    prepared = PreparedQuery(Built(), project=IntegerField(), ids=IntegerField(), since=DateTimeField())
    with pytest.raises(TypeError, match="takes"):
        prepared.rows(project=team.project.pk, ids=[team.module.pk])
    with pytest.raises(TypeError, match="takes"):
        prepared.rows(project=team.project.pk, ids=[team.module.pk], since=T0, today=T0.date())


def test_objects_are_the_querysets_instances_with_their_annotations(team, modules, django_assert_num_queries):
    def build(project):
        return (
            BusinessModule.objects.filter(project=project).annotate(n=Count("key_user_assignments")).order_by("-code")
        )

    prepared = PreparedQuery(build, project=IntegerField())
    for project in (team.project, team.other_project):
        with django_assert_num_queries(1):
            got = prepared.objects(project=project.pk)
            fields = [(m.pk, m.code, m.in_scope, m.created_at, m.project_id, m.n) for m in got]
        assert fields == [(m.pk, m.code, m.in_scope, m.created_at, m.project_id, m.n) for m in build(project.pk)]
        assert all(isinstance(m, BusinessModule) for m in got)
        assert got


def test_objects_refuse_a_select_related_queryset(team):
    prepared = PreparedQuery(
        lambda project: BusinessModule.objects.filter(project=project).select_related("project"),
        project=IntegerField(),
    )
    with pytest.raises(TypeError, match="select_related"):
        prepared.objects(project=team.project.pk)
