"""The audit trail of a project: every recorded change to its settings and readiness thresholds, team,
modules, Key User assignments, end users, deliverables, training sessions, attendance, issues and their
service levels, acceptance sign-offs and exceptions, and go-live decisions — who, when, and each field's
value before and after — read from their history tables (django-simple-history).

A page runs a fixed number of queries whatever its size: one for the count, one for the page (a UNION
of the history tables), one per kind of object on the page (its rows and the rows just before them,
for the differences) and one or two per kind of object the rows refer to (for names).

Deleted objects stay: their history keeps a last "-" row with their module, session or project, and a
deleted module's or session's own history keeps where it belonged, so rows whose parent is gone are
still found and named.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import CharField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.utils import get_history_manager_for_model, get_history_model_for_model

from acceptance.models import AcceptanceException, ModuleSignOff, TestCycle
from issues.models import Issue, SlaPolicy
from modules.models import BusinessModule, Deliverable, DeliverableType, KeyUserAssignment, ModuleEndUser
from people.models import Membership, User
from projects.models import Project
from readiness.models import GoLiveDecision
from training.models import Attendance, TrainingSession

PAGE_SIZE = 50

# How a kind's history rows find their project and their module: through a column of their own
# ("project", "module"), through their session ("session"), or the row is the project or the module
# itself ("self").
PROJECT, MODULE, SESSION, SELF = "project", "module", "session", "self"

ACTIONS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
# Bookkeeping columns nobody edits; each kind adds its own.
HIDDEN = frozenset({"id", "created_at", "updated_at"})


class Names:
    """Display names of the objects history rows refer to, fetched in bulk for a page; an object
    deleted since is named from its own last history row."""

    NAMERS: dict[type[models.Model], tuple[Callable[[], QuerySet], Callable[[Any], str]]] = {
        User: (User.objects.all, lambda user: user.display_name),
        Membership: (lambda: Membership.objects.select_related("user"), lambda m: m.user.display_name),
        BusinessModule: (BusinessModule.objects.all, lambda module: module.name),
        TrainingSession: (TrainingSession.objects.all, lambda session: session.title),
        DeliverableType: (DeliverableType.objects.all, lambda deliverable_type: deliverable_type.name),
        Issue: (Issue.objects.all, lambda issue: f"#{issue.number} {issue.title}"),
        TestCycle: (TestCycle.objects.all, lambda cycle: cycle.name),
    }

    def __init__(self, wanted: dict[type[models.Model], set[int]]):
        self.names: dict[type[models.Model], dict[int, str]] = {}
        self.existing: dict[type[models.Model], set[int]] = {}
        for model, ids in wanted.items():
            if not ids:
                continue
            queryset, name = self.NAMERS[model]
            found = {obj.pk: name(obj) for obj in queryset().filter(pk__in=ids)}
            self.existing[model] = set(found)
            if (missing := ids - set(found)) and hasattr(model, "history"):
                found.update({row.id: name(row) for row in self._last_history_rows(model, missing)})
            self.names[model] = found

    @staticmethod
    def _last_history_rows(model, ids: set[int]) -> QuerySet:
        last = model.history.filter(id__in=ids).order_by().values("id").annotate(last=Max("history_id"))
        rows = model.history.filter(history_id__in=Subquery(last.values("last")))
        return rows.select_related("user") if model is Membership else rows

    def name(self, model, pk) -> str:
        if pk is None:
            return "—"
        return self.names.get(model, {}).get(pk) or _("#%(id)s (deleted)") % {"id": pk}

    def exists(self, model, pk) -> bool:
        return pk in self.existing.get(model, ())


@dataclass(frozen=True)
class Kind:
    """One kind of object in the audit trail."""

    key: str
    model: type[models.Model]
    label: Promise
    project_path: str
    module_path: str | None
    describe: Callable[[Any, Names], str]
    hidden: frozenset[str] = frozenset()
    # (model, attribute of the row, URL name, URL argument) of the page the row links to while it exists
    link: tuple[type[models.Model], str, str, str] | None = None

    @property
    def history(self):
        return get_history_manager_for_model(self.model)

    @property
    def history_model(self) -> type[models.Model]:
        return get_history_model_for_model(self.model)


def _modules_of(project_id: int) -> list[QuerySet]:
    """Ids of the project's modules, including deleted ones."""
    return [
        BusinessModule.objects.filter(project_id=project_id).values("id"),
        BusinessModule.history.filter(project_id=project_id).values("id"),
    ]


def _any_in(column: str, id_sets: Iterable[QuerySet]) -> Q:
    condition = Q()
    for ids in id_sets:
        condition |= Q(**{f"{column}__in": ids})
    return condition


def _sessions(where: Q) -> list[QuerySet]:
    """Ids of sessions matching `where` (on their module), including deleted ones."""
    return [TrainingSession.objects.filter(where).values("id"), TrainingSession.history.filter(where).values("id")]


def in_project(kind: Kind, project_id: int) -> Q:
    if kind.project_path == SELF:
        return Q(id=project_id)
    if kind.project_path == PROJECT:
        return Q(project_id=project_id)
    modules = _any_in("module_id", _modules_of(project_id))
    if kind.project_path == MODULE:
        return modules
    return _any_in("session_id", _sessions(modules))


def about_module(kind: Kind, module_id: int) -> Q | None:
    """Rows about one module (the module, or what belongs to it); None: this kind never is."""
    if kind.module_path == SELF:
        return Q(id=module_id)
    if kind.module_path == MODULE:
        return Q(module_id=module_id)
    if kind.module_path == SESSION:
        return _any_in("session_id", _sessions(Q(module_id=module_id)))
    return None


def _person(names: Names, membership_id) -> str:
    return names.name(Membership, membership_id)


def _date(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


def _in_module(names: Names, text: str, module_id) -> str:
    return f"{text} · {names.name(BusinessModule, module_id)}"


def _cycle_kind(key: str, model: type[models.Model], label: Promise) -> Kind:
    """What is recorded for a module in a test cycle, linked to the cycle's page."""
    return Kind(
        key,
        model,
        label,
        MODULE,
        MODULE,
        lambda row, names: _in_module(names, names.name(TestCycle, row.cycle_id), row.module_id),
        hidden=frozenset({"module"}),
        link=(TestCycle, "cycle_id", "acceptance:cycle_detail", "pk"),
    )


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            "project",
            Project,
            _("Project settings and thresholds"),
            SELF,
            None,
            lambda row, names: row.name,
        ),
        Kind(
            "membership",
            Membership,
            _("Team memberships"),
            PROJECT,
            None,
            lambda row, names: f"{names.name(User, row.user_id)} ({row.get_role_display()})",
            hidden=frozenset({"project", "user"}),
        ),
        Kind(
            "module",
            BusinessModule,
            _("Modules"),
            PROJECT,
            SELF,
            lambda row, names: row.name,
            hidden=frozenset({"project"}),
            link=(BusinessModule, "id", "modules:detail", "module_id"),
        ),
        Kind(
            "key_user",
            KeyUserAssignment,
            _("Key User assignments"),
            MODULE,
            MODULE,
            lambda row, names: f"{_person(names, row.membership_id)} → {names.name(BusinessModule, row.module_id)}",
            hidden=frozenset({"module"}),
            link=(BusinessModule, "module_id", "modules:detail", "module_id"),
        ),
        Kind(
            "end_user",
            ModuleEndUser,
            _("Module end users"),
            MODULE,
            MODULE,
            lambda row, names: _in_module(names, _person(names, row.membership_id), row.module_id),
            hidden=frozenset({"module"}),
            link=(BusinessModule, "module_id", "modules:detail", "module_id"),
        ),
        Kind(
            "deliverable",
            Deliverable,
            _("Deliverables"),
            MODULE,
            MODULE,
            lambda row, names: _in_module(names, row.name, row.module_id),
            hidden=frozenset({"module", "position", "deliverable_type"}),
            link=(BusinessModule, "module_id", "modules:detail", "module_id"),
        ),
        Kind(
            "session",
            TrainingSession,
            _("Training sessions"),
            MODULE,
            MODULE,
            lambda row, names: _in_module(names, row.title, row.module_id),
            hidden=frozenset({"module", "created_by"}),
            link=(TrainingSession, "id", "training:detail", "session_id"),
        ),
        Kind(
            "attendance",
            Attendance,
            _("Attendance"),
            SESSION,
            SESSION,
            lambda row, names: f"{_person(names, row.membership_id)} · {names.name(TrainingSession, row.session_id)}",
            hidden=frozenset({"session", "membership", "invited_at"}),
            link=(TrainingSession, "session_id", "training:detail", "session_id"),
        ),
        Kind(
            "issue",
            Issue,
            _("Issues"),
            PROJECT,
            MODULE,
            lambda row, names: f"#{row.number} {row.title}",
            hidden=frozenset({"project", "number", "sla_started_at", "sla_paused_at", "sla_paused_total"}),
            link=(Issue, "id", "issues:detail", "issue_id"),
        ),
        Kind(
            "sla_policy",
            SlaPolicy,
            _("SLA policy"),
            PROJECT,
            None,
            lambda row, names: str(_("SLA policy")),
            hidden=frozenset({"project"}),
        ),
        _cycle_kind("sign_off", ModuleSignOff, _("Acceptance sign-offs")),
        _cycle_kind("acceptance_exception", AcceptanceException, _("Acceptance exceptions")),
        Kind(
            "decision",
            GoLiveDecision,
            _("Go-live decisions"),
            PROJECT,
            None,
            lambda row, names: f"{row.get_outcome_display()} · {_date(row.decided_at)}",
            hidden=frozenset({"project", "evidence"}),
        ),
    )
}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    kind: Kind
    action: str  # "+", "~" or "-"
    when: datetime.datetime
    who: str
    subject: str
    url: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def action_label(self) -> Promise:
        return ACTIONS[self.action]


def audit_rows(*, project: Project, kinds: Iterable[Kind], where: Callable[[Kind, QuerySet], QuerySet | None]):
    """The project's history rows of these kinds as (audit_kind, history_id, history_date), newest first:
    one UNION query, paginated by the database. `where` narrows each kind's rows (None: leave it out)."""
    parts = []
    for kind in kinds:
        rows = where(kind, kind.history.filter(in_project(kind, project.pk)))
        if rows is not None:
            parts.append(
                rows.order_by()
                .annotate(audit_kind=Value(kind.key, output_field=CharField()))
                .values("audit_kind", "history_id", "history_date")
            )
    if not parts:
        return []
    return parts[0].union(*parts[1:], all=True).order_by("-history_date", "-history_id")


def audit_page(*, project: Project, rows, number) -> Page:
    """One page of `audit_rows`, as entries with their differences."""
    page = Paginator(rows, PAGE_SIZE).get_page(number)
    page.object_list = audit_entries(project=project, rows=list(page.object_list))
    return page


def _records_with_previous(kind: Kind, history_ids: list[int]) -> dict[int, tuple[Any, Any]]:
    """history_id → (row, the row of the same object just before it), in one query."""
    history = kind.history
    previous_id = (
        history.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    previous_ids = history.filter(history_id__in=history_ids).annotate(previous=Subquery(previous_id))
    fetched = list(
        history.filter(Q(history_id__in=history_ids) | Q(history_id__in=previous_ids.values("previous"))).order_by(
            "history_id"
        )
    )
    by_object = defaultdict(list)
    for record in fetched:
        by_object[record.id].append(record)
    wanted = set(history_ids)
    result = {}
    for records in by_object.values():
        for before, record in zip([None, *records], records, strict=False):
            if record.history_id in wanted:
                result[record.history_id] = (record, before)
    return result


def _foreign_keys(model) -> list[tuple[type[models.Model], str]]:
    """(model referred to, attribute) of the model's foreign keys to objects the trail names."""
    return [
        (cast(type[models.Model], f.related_model), f.attname)
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model in Names.NAMERS
    ]


def _display(model_field, value, names: Names) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(model_field, models.ForeignKey):
        return names.name(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return str(_("Yes") if value else _("No"))
    if isinstance(model_field, models.DateTimeField):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(model_field, models.DateField):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(model_field, models.FileField):
        return PurePath(str(value)).name
    return str(value)


def _changes(kind: Kind, record, before, names: Names) -> list[Change]:
    hidden = HIDDEN | kind.hidden
    fields = {f.name: f for f in kind.model._meta.concrete_fields if f.editable and f.name not in hidden}
    if record.history_type == "-":
        return []
    if before is None:  # created (or changed before its history began): the values it was given
        return [
            Change(str(f.verbose_name), "", _display(f, getattr(record, f.attname), names))
            for f in fields.values()
            if getattr(record, f.attname) not in (None, "")
        ]
    delta = record.diff_against(before, included_fields=list(fields))
    return [
        Change(
            str(fields[change.field].verbose_name),
            _display(fields[change.field], getattr(before, fields[change.field].attname), names),
            _display(fields[change.field], getattr(record, fields[change.field].attname), names),
        )
        for change in sorted(delta.changes, key=lambda change: list(fields).index(change.field))
    ]


def audit_entries(*, project: Project, rows: list[dict]) -> list[Entry]:
    """Entries for rows of `audit_rows`: each kind's rows and previous rows in one query, then every
    name the rows refer to in one query per kind of object."""
    ids_by_kind = defaultdict(list)
    for row in rows:
        ids_by_kind[row["audit_kind"]].append(row["history_id"])
    fetched = {key: _records_with_previous(KINDS[key], ids) for key, ids in ids_by_kind.items()}

    wanted: defaultdict[type[models.Model], set[int]] = defaultdict(set)
    for key, records in fetched.items():
        kind = KINDS[key]
        for pair in records.values():
            for record in filter(None, pair):
                wanted[User].add(record.history_user_id)
                for related_model, attname in _foreign_keys(kind.model):
                    wanted[related_model].add(getattr(record, attname))
                if kind.link:
                    wanted[kind.link[0]].add(getattr(record, kind.link[1]))
    names = Names({model: ids - {None} for model, ids in wanted.items()})

    entries = []
    for row in rows:
        kind = KINDS[row["audit_kind"]]
        record, before = fetched[kind.key][row["history_id"]]
        url = ""
        if kind.link:
            model, attribute, url_name, argument = kind.link
            if names.exists(model, target := getattr(record, attribute)):
                url = reverse(url_name, kwargs={"project_id": project.pk, argument: target})
        entries.append(
            Entry(
                kind=kind,
                action=record.history_type,
                when=record.history_date,
                who=names.name(User, record.history_user_id) if record.history_user_id else "",
                subject=kind.describe(record, names),
                url=url,
                changes=_changes(kind, record, before, names),
            )
        )
    return entries


def audit_people(*, project: Project) -> QuerySet:
    """Whom the trail can be filtered by: the project's members, past ones included."""
    return User.objects.filter(memberships__project=project).distinct().order_by("first_name", "last_name", "username")
