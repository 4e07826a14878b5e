"""Search across the person's own projects: issues (by number or words, comments included), people,
modules, training sessions and test scenarios, each as their role in that project lets them see it.

Each kind registers in `KINDS`: what a person may see of it, the fields searched by substring and how
its results are listed. On PostgreSQL the words are looked up in the kind's stored text vector (stemmed:
"invoices" finds "invoice"; a word also finds the words it begins) and, when a word is not only Latin
letters (Chinese, codes such as AP-010, numbers), by substring through trigram indexes too (see
erpteam.fulltext); only the most recent `RANK_WINDOW` matches of a kind are ranked. Elsewhere every
word must appear in one of the fields (case-insensitive). A search runs the same few queries whatever
the number of projects or rows.
"""

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import Case, F, FloatField, IntegerField, Q, QuerySet, Value, When
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from acceptance.models import TestScenario
from erpteam.fulltext import FULL_TEXT_CONFIG
from erpteam.permissions import Action, allows
from issues.models import Issue
from issues.selectors import issues_visible
from modules.models import BusinessModule
from people.models import Membership
from training.models import TrainingSession
from training.selectors import sessions_visible

PER_KIND = 10
PAGE_SIZE = 20
RANK_WINDOW = 500
COUNT_LIMIT = 1000
MAX_WORDS = 6
MAX_LENGTH = 100
PLAIN_WORD = re.compile(r"[A-Za-z]+")


def _union(querysets: list[QuerySet], model) -> QuerySet:
    return reduce(operator.or_, querysets) if querysets else model.objects.none()


def _in_projects(model, action: Action, **lookups) -> Callable[[list[Membership]], QuerySet]:
    def visible(memberships: list[Membership]) -> QuerySet:
        projects = [m.project_id for m in memberships if allows(m, action)]
        return model.objects.filter(project_id__in=projects, **lookups)

    return visible


def _issue_number(query: str) -> int | None:
    number = query.strip().lstrip("#").strip()
    return int(number) if number.isdigit() else None


@dataclass(frozen=True)
class Kind:
    """A searchable kind. Its model keeps a `search_vector` (erpteam.fulltext)."""

    label: str | Promise
    visible: Callable[[list[Membership]], QuerySet]  # what these memberships let the person see
    fields: tuple[str, ...]  # searched by substring
    order: tuple[str, ...]  # after rank
    related: tuple[str, ...] = ()
    exact: Callable[[str], Q | None] = lambda query: None  # rows that match the query exactly come first


KINDS = {
    "issues": Kind(
        label=_("Issues"),
        visible=lambda memberships: _union([issues_visible(membership=m) for m in memberships], Issue),
        fields=("title", "description"),
        exact=lambda query: Q(number=number) if (number := _issue_number(query)) is not None else None,
        order=("-updated_at", "-pk"),
        related=("project", "module"),
    ),
    "people": Kind(
        label=_("People"),
        visible=lambda memberships: Membership.objects.active().filter(
            project_id__in=[m.project_id for m in memberships if allows(m, Action.TEAM_VIEW)]
        ),
        fields=("user__first_name", "user__last_name", "user__username", "user__email", "department"),
        order=("user__last_name", "user__first_name", "user__username", "pk"),
        related=("project", "user"),
    ),
    "modules": Kind(
        label=_("Modules"),
        visible=_in_projects(BusinessModule, Action.MODULE_VIEW),
        fields=("code", "name", "description"),
        order=("name", "pk"),
        related=("project",),
    ),
    "sessions": Kind(
        label=_("Training sessions"),
        visible=lambda memberships: _union([sessions_visible(membership=m) for m in memberships], TrainingSession),
        fields=("title", "description", "place"),
        order=("-start_at", "-pk"),
        related=("module__project", "trainer__user"),
    ),
    "scenarios": Kind(
        label=_("Test scenarios"),
        visible=_in_projects(TestScenario, Action.ACCEPTANCE_VIEW),
        fields=("reference", "title", "business_process", "description"),
        order=("reference", "pk"),
        related=("project", "module"),
    ),
}


@dataclass
class Group:
    """The results of one kind: how many match (up to `COUNT_LIMIT`) and the rows of one page."""

    kind: str
    count: int = 0
    items: list = field(default_factory=list)
    page: int = 1
    has_next: bool = False

    @property
    def label(self) -> str | Promise:
        return KINDS[self.kind].label

    @property
    def count_capped(self) -> bool:
        return self.count > COUNT_LIMIT

    @property
    def more(self) -> bool:
        return self.count > len(self.items)

    @property
    def count_label(self) -> str:
        return f"{COUNT_LIMIT}+" if self.count_capped else str(self.count)

    @property
    def window(self) -> int | None:
        """How many of the matches are ranked and paged through, when not all of them are."""
        return RANK_WINDOW if self.count > RANK_WINDOW else None


@dataclass
class Results:
    query: str
    groups: list[Group]
    several_projects: bool
    kind: str | None = None

    @property
    def count(self) -> int:
        return sum(min(group.count, COUNT_LIMIT) for group in self.groups)

    @property
    def words(self) -> list[str]:
        return _words(self.query)


def _words(query: str) -> list[str]:
    return query.split()[:MAX_WORDS]


def _matching(kind: Kind, queryset: QuerySet, query: str) -> QuerySet:
    """Rows where every word of `query` is in one of the kind's fields, or (on PostgreSQL) whose text
    vector matches the words, or that match the query exactly."""

    substring = reduce(
        operator.and_,
        (reduce(operator.or_, (Q(**{f"{name}__icontains": word}) for name in kind.fields)) for word in _words(query)),
    )
    if connections[queryset.db].vendor != "postgresql":
        condition = substring
    elif _plain(query):
        condition = Q(search_vector=_full_text(query))
    else:
        condition = Q(search_vector=_full_text(query)) | substring
    exact = kind.exact(query)
    return queryset.filter(condition if exact is None else condition | exact)


def _exact(kind: Kind, query: str) -> Case | Value:
    """0 for a row that matches the query exactly (shown first), 1 for the others."""
    exact = kind.exact(query)
    if exact is None:
        return Value(1, output_field=IntegerField())
    return Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField())


def _plain(query: str) -> bool:
    """Only words of Latin letters: full-text search finds them, and the beginnings of words."""
    return all(PLAIN_WORD.fullmatch(word) for word in _words(query))


def _full_text(query: str) -> SearchQuery:
    if _plain(query):
        # Each word, stemmed, as the beginning of a word: "invoices" finds "invoice", "fergu" "Ferguson".
        return SearchQuery(
            " & ".join(f"{word}:*" for word in _words(query)), search_type="raw", config=FULL_TEXT_CONFIG
        )
    return SearchQuery(query, search_type="websearch", config=FULL_TEXT_CONFIG)


def _ranked(kind: Kind, matches: QuerySet, query: str) -> QuerySet:
    """The latest `RANK_WINDOW` matches (so a common word ranks a bounded set, not every row that has
    it), exact ones first, then by full-text rank on PostgreSQL."""
    exact = _exact(kind, query)
    # `pk + 0`: the newest matches are found through the search indexes, then sorted; walking the primary
    # key backwards instead reads every newer row that does not match (a bulk load of other issues).
    window = matches.annotate(exact=exact).order_by("exact", (F("pk") + 0).desc()).values("pk")[:RANK_WINDOW]
    ranked = matches.model.objects.filter(pk__in=window).annotate(exact=exact)
    if connections[matches.db].vendor == "postgresql":
        ranked = ranked.annotate(search_rank=SearchRank(F("search_vector"), _full_text(query)))
    else:
        ranked = ranked.annotate(search_rank=Value(0.0, output_field=FloatField()))
    return ranked.select_related(*kind.related).order_by("exact", "-search_rank", *kind.order)


def search(*, user, query: str, kind: str | None = None, page: int = 1) -> Results:
    """What the person may see, in their active projects, that matches `query`: how many of each kind,
    and the first results of each (or, for one `kind`, one page of its results)."""
    query = " ".join(query.split())[:MAX_LENGTH]
    kind = kind if kind in KINDS else None
    memberships = list(Membership.objects.active().filter(user=user).select_related("project"))
    if not query:
        return Results(query=query, groups=[], several_projects=len(memberships) > 1)
    groups = []
    for name, registered in KINDS.items():
        matches = _matching(registered, registered.visible(memberships), query)
        group = Group(kind=name, count=matches.order_by()[: COUNT_LIMIT + 1].count())
        if group.count and kind in (None, name):
            size = PER_KIND if kind is None else PAGE_SIZE
            group.page = min(max(page, 1), COUNT_LIMIT // PAGE_SIZE + 1) if kind else 1
            start = (group.page - 1) * size
            rows = list(_ranked(registered, matches, query)[start : start + size + 1])
            group.items, group.has_next = rows[:size], len(rows) > size
        groups.append(group)
    return Results(query=query, groups=groups, several_projects=len(memberships) > 1, kind=kind)
