"""Search across the person's own projects: issues (by number or words), people, modules, training
sessions and test scenarios, each as their role in that project lets them see it.

On PostgreSQL the words go through full-text search (stemmed, ranked), with a substring match beside it
for what full-text search does not split into words (Chinese, codes such as AP-010); elsewhere every
word must appear in one of the fields (case-insensitive). One query per kind, whatever the number of
projects.
"""

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Case, FloatField, IntegerField, Q, QuerySet, Value, When
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from acceptance.models import TestScenario
from erpteam.permissions import Action, allows
from issues.models import Issue
from issues.selectors import issues_visible
from modules.models import BusinessModule
from people.models import Membership
from training.models import TrainingSession
from training.selectors import sessions_visible

PER_KIND = 10
MAX_WORDS = 6
MAX_LENGTH = 100
FULL_TEXT_CONFIG = "english"


KINDS = {
    "issues": _("Issues"),
    "people": _("People"),
    "modules": _("Modules"),
    "sessions": _("Training sessions"),
    "scenarios": _("Test scenarios"),
}


@dataclass
class Group:
    """The results of one kind: the first `PER_KIND` and whether there are more."""

    kind: str
    items: list = field(default_factory=list)
    more: bool = False

    @property
    def label(self) -> Promise:
        return KINDS[self.kind]


@dataclass
class Results:
    query: str
    groups: list[Group]
    several_projects: bool

    @property
    def count(self) -> int:
        return sum(len(group.items) for group in self.groups)


def _words(query: str) -> list[str]:
    return query.split()[:MAX_WORDS]


def _matching(queryset: QuerySet, fields: Sequence[str], query: str, *, also: Q | None = None) -> QuerySet:
    """Rows where every word of `query` is in one of `fields` (or `also` holds), annotated with
    `search_rank` (full-text rank on PostgreSQL, 0 elsewhere) for ordering."""
    every_word = reduce(
        operator.and_,
        (reduce(operator.or_, (Q(**{f"{name}__icontains": word}) for name in fields)) for word in _words(query)),
    )
    if also is not None:
        every_word |= also
    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(every_word).annotate(search_rank=Value(0.0, output_field=FloatField()))
    vector = SearchVector(*fields, config=FULL_TEXT_CONFIG)
    words = SearchQuery(query, search_type="websearch", config=FULL_TEXT_CONFIG)
    return queryset.annotate(search_document=vector, search_rank=SearchRank(vector, words)).filter(
        Q(search_document=words) | every_word
    )


def _first(queryset: QuerySet, kind: str) -> Group:
    rows = list(queryset[: PER_KIND + 1])
    return Group(kind=kind, items=rows[:PER_KIND], more=len(rows) > PER_KIND)


def _union(querysets: list[QuerySet], model) -> QuerySet:
    return reduce(operator.or_, querysets) if querysets else model.objects.none()


def _issue_number(query: str) -> int | None:
    number = query.strip().lstrip("#").strip()
    return int(number) if number.isdigit() else None


def search(*, user, query: str) -> Results:
    """What the person may see, in their active projects, that matches `query`."""
    query = " ".join(query.split())[:MAX_LENGTH]
    memberships = list(Membership.objects.active().filter(user=user).select_related("project"))
    if not query:
        return Results(query=query, groups=[], several_projects=len(memberships) > 1)

    def projects(action: Action) -> list[int]:
        return [m.project_id for m in memberships if allows(m, action)]

    number = _issue_number(query)
    issues = _matching(
        _union([issues_visible(membership=m) for m in memberships], Issue),
        ("title", "description"),
        query,
        also=Q(number=number) if number is not None else None,
    ).annotate(
        exact=Case(When(number=number, then=Value(0)), default=Value(1), output_field=IntegerField())
        if number is not None
        else Value(1)
    )
    people = _matching(
        Membership.objects.active().filter(project_id__in=projects(Action.TEAM_VIEW)),
        ("user__first_name", "user__last_name", "user__username", "user__email", "department"),
        query,
    )
    modules = _matching(
        BusinessModule.objects.filter(project_id__in=projects(Action.MODULE_VIEW)),
        ("code", "name", "description"),
        query,
    )
    sessions = _matching(
        _union([sessions_visible(membership=m) for m in memberships], TrainingSession),
        ("title", "description", "place"),
        query,
    )
    scenarios = _matching(
        TestScenario.objects.filter(project_id__in=projects(Action.ACCEPTANCE_VIEW)),
        ("reference", "title", "business_process", "description"),
        query,
    )
    groups = [
        _first(
            issues.select_related("project", "module").order_by("exact", "-search_rank", "-updated_at", "-pk"),
            "issues",
        ),
        _first(
            people.select_related("project", "user").order_by(
                "-search_rank", "user__last_name", "user__first_name", "user__username", "pk"
            ),
            "people",
        ),
        _first(modules.select_related("project").order_by("-search_rank", "name", "pk"), "modules"),
        _first(
            sessions.select_related("module__project", "trainer__user").order_by("-search_rank", "-start_at", "-pk"),
            "sessions",
        ),
        _first(scenarios.select_related("project", "module").order_by("-search_rank", "reference"), "scenarios"),
    ]
    return Results(query=query, groups=groups, several_projects=len(memberships) > 1)
