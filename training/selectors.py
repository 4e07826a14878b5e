"""Reads of training that pages and dashboards share, and the completion rules as database aggregates.

- An end user is *trained* for a module once they were present or late at a held end-user or refresher
  session of that module, with the assessment passed where the session had one.
- A Key User is *certified* for a module once they were present at a held train-the-trainer session of
  that module.

Who must be trained is today's assignment: the module's active end users (`ModuleEndUser`) and its
effective Key Users. Someone who moved to another module must be trained for the new one; their old
training still shows in their history but no longer counts anywhere.
"""

import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone

from erpteam.permissions import POLICY, Action, Scope, allows, scope_of
from erpteam.queries import count_subquery
from modules.models import BusinessModule, KeyUserAssignment, ModuleEndUser
from modules.panels import module_panels
from people.models import Membership
from projects.models import Project
from training.models import Attendance, TrainingSession

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

Role = Membership.Role
Kind = TrainingSession.Kind
ATTENDED = (Attendance.Status.PRESENT, Attendance.Status.LATE)
END_USER_KINDS = (Kind.END_USER, Kind.REFRESHER)


# --- The completion rules ----------------------------------------------------------------------------


def trained_attendance_q() -> Q:
    """Attendance rows that make an end user trained for their session's module."""
    return Q(
        session__status=TrainingSession.Status.HELD,
        session__kind__in=END_USER_KINDS,
        status__in=ATTENDED,
    ) & (Q(session__has_assessment=False) | Q(assessment_passed=True))


def certified_attendance_q() -> Q:
    """Attendance rows that make a Key User certified for their session's module."""
    return Q(
        session__status=TrainingSession.Status.HELD,
        session__kind=Kind.TRAIN_THE_TRAINER,
        status=Attendance.Status.PRESENT,
    )


def is_trained(membership, module) -> Exists:
    """Whether `membership` is trained for `module` (values or OuterRefs)."""
    return Exists(Attendance.objects.filter(trained_attendance_q(), membership=membership, session__module=module))


def is_certified(membership, module) -> Exists:
    return Exists(Attendance.objects.filter(certified_attendance_q(), membership=membership, session__module=module))


def required_end_users() -> QuerySet[ModuleEndUser]:
    """Module end users who must be trained: active end-user members, modules in scope."""
    return ModuleEndUser.objects.filter(
        membership__role=Role.END_USER,
        membership__is_active=True,
        membership__user__is_active=True,
        module__in_scope=True,
    )


def required_key_users() -> QuerySet[KeyUserAssignment]:
    return KeyUserAssignment.objects.effective().filter(module__in_scope=True)


def _trained_end_users_of(module_ref) -> QuerySet[ModuleEndUser]:
    return required_end_users().filter(module=module_ref).filter(is_trained(OuterRef("membership"), OuterRef("module")))


def _certified_key_users_of(module_ref) -> QuerySet[KeyUserAssignment]:
    return (
        required_key_users().filter(module=module_ref).filter(is_certified(OuterRef("membership"), OuterRef("module")))
    )


@dataclass(frozen=True)
class Completion:
    """Trained (or certified) out of required, with the figures a page shows."""

    done: int
    required: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.required) if self.required else 100

    @property
    def missing(self) -> int:
        return self.required - self.done

    @property
    def complete(self) -> bool:
        return self.done >= self.required


@dataclass(frozen=True)
class ModuleCompletion:
    module: BusinessModule | None  # None: the project's totals
    end_users: Completion
    key_users: Completion


def _completion_rows(modules) -> QuerySet:
    """The end users of `modules` (ids) who must be trained and their Key Users who must be certified,
    each grouped by module with its rule counted as a filter, which the database evaluates once for
    everybody rather than once per person and module: (module, kind, done, required) rows."""

    def grouped(people: QuerySet, rule, kind: str) -> QuerySet:
        done = Count("pk", filter=Q(rule(OuterRef("membership"), OuterRef("module"))))
        return (
            people.filter(module__id__in=modules)
            .values("module")
            .annotate(kind=Value(kind), done=done, required=Count("pk"))
            .values_list("module", "kind", "done", "required")
            .order_by()
        )

    return grouped(required_end_users(), is_trained, "end_users").union(
        grouped(required_key_users(), is_certified, "key_users"), all=True
    )


def completion_by_module(*, module_ids: Collection[int]) -> dict[int, dict[str, Completion]]:
    """Module id → `end_users` (trained / required) and `key_users` (certified / required), in one
    query (for pages that have the modules already)."""
    completions = {
        module_id: {"end_users": Completion(0, 0), "key_users": Completion(0, 0)} for module_id in module_ids
    }
    for module_id, kind, done, required in _completion_rows(modules=list(module_ids)):
        completions[module_id][kind] = Completion(done, required)
    return completions


def module_training_completion(*, project: Project, with_people: bool = False) -> list[ModuleCompletion]:
    """Per in-scope module of the project: end users trained / required and Key Users certified /
    required. With `with_people`, each module also carries `untrained_end_users` and
    `uncertified_key_users` (the people still missing): two queries, four with the people."""
    modules = BusinessModule.objects.filter(project=project, in_scope=True).order_by("name")
    if with_people:
        modules = modules.prefetch_related(
            Prefetch(
                "end_users",
                queryset=required_end_users()
                .exclude(is_trained(OuterRef("membership"), OuterRef("module")))
                .select_related("membership__user")
                .order_by("membership__user__last_name", "membership__user__first_name"),
                to_attr="untrained_end_users",
            ),
            Prefetch(
                "key_user_assignments",
                queryset=required_key_users()
                .exclude(is_certified(OuterRef("membership"), OuterRef("module")))
                .select_related("membership__user")
                .order_by("membership__user__last_name", "membership__user__first_name"),
                to_attr="uncertified_key_users",
            ),
        )
    rows = list(modules)
    completions = completion_by_module(module_ids=[module.pk for module in rows])
    return [ModuleCompletion(module=module, **completions[module.pk]) for module in rows]


def module_completion(*, module: BusinessModule) -> ModuleCompletion:
    """The completion figures of one module (one query)."""
    return ModuleCompletion(module=module, **completion_by_module(module_ids=[module.pk])[module.pk])


def project_completion(rows: list[ModuleCompletion]) -> ModuleCompletion | None:
    """Totals over the modules of `module_training_completion` (people in two modules count twice)."""
    if not rows:
        return None
    return ModuleCompletion(
        module=None,
        end_users=Completion(sum(r.end_users.done for r in rows), sum(r.end_users.required for r in rows)),
        key_users=Completion(sum(r.key_users.done for r in rows), sum(r.key_users.required for r in rows)),
    )


def trained_end_user_ids(*, module: BusinessModule) -> set[int]:
    """Membership ids of the module's end users who are trained for it."""
    return set(_trained_end_users_of(module.pk).values_list("membership_id", flat=True))


def certified_key_user_ids(*, module: BusinessModule) -> set[int]:
    """Membership ids of the module's Key Users who are certified for it."""
    return set(_certified_key_users_of(module.pk).values_list("membership_id", flat=True))


def untrained_end_users(*, module: BusinessModule) -> QuerySet[Membership]:
    """The module's end users who still need training, by name."""
    return (
        Membership.objects.filter(
            pk__in=required_end_users().filter(module=module).values("membership_id"),
        )
        .exclude(is_trained(OuterRef("pk"), module.pk))
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


@dataclass(frozen=True)
class DepartmentCompletion:
    department: str
    people: Completion  # end users trained for all their modules / end users
    assignments: Completion  # (person, module) pairs trained / required


def department_training_completion(*, project: Project) -> list[DepartmentCompletion]:
    """Per department of the project's end users: people trained for all their modules, and
    person-module pairs trained, in one grouped query. The rows are every pair that must be trained, so
    a person is trained for all their modules when none of their rows is untrained."""
    rows = (
        required_end_users()
        .filter(module__project=project)
        .annotate(trained=is_trained(OuterRef("membership"), OuterRef("module")))
        .values("membership__department")
        .annotate(
            pairs=Count("pk"),
            pairs_trained=Count("pk", filter=Q(trained=True)),
            people=Count("membership", distinct=True),
            people_with_gap=Count("membership", distinct=True, filter=Q(trained=False)),
        )
        .order_by("membership__department")
    )
    return [
        DepartmentCompletion(
            department=row["membership__department"],
            people=Completion(row["people"] - row["people_with_gap"], row["people"]),
            assignments=Completion(row["pairs_trained"], row["pairs"]),
        )
        for row in rows
    ]


# --- Go-live access ------------------------------------------------------------------------------------


def _with_access(end_users: QuerySet[Membership]) -> QuerySet[Membership]:
    """End users annotated with `modules_required`, `modules_trained` and `ready` (trained for every module)."""
    person = OuterRef("pk")
    required = required_end_users().filter(membership=person)
    trained = required.filter(is_trained(OuterRef("membership"), OuterRef("module")))
    return end_users.annotate(
        modules_required=count_subquery(required, per="membership"),
        modules_trained=count_subquery(trained, per="membership"),
    ).annotate(
        ready=ExpressionWrapper(
            Q(modules_required__gt=0) & Q(modules_trained=F("modules_required")), output_field=BooleanField()
        )
    )


def go_live_access(*, project: Project) -> QuerySet[Membership]:
    """The project's active end users with `modules_required` and `modules_trained`, and their modules
    (`access_modules`, each with `trained`) prefetched. Ready for an account: trained for every module."""
    return (
        _with_access(Membership.objects.filter(project=project, role=Role.END_USER).active())
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "end_user_modules",
                queryset=required_end_users()
                .select_related("module")
                .annotate(trained=is_trained(OuterRef("membership"), OuterRef("module")))
                .order_by("module__name"),
                to_attr="access_modules",
            )
        )
        .order_by("department", "user__last_name", "user__first_name", "user__username")
    )


def go_live_access_counts(*, project_ids) -> dict[int, dict[str, int]]:
    """Per project (id → counts), in one query: active end users `ready` for an account at go-live and
    those still `missing` training."""
    rows = (
        _with_access(Membership.objects.filter(project_id__in=project_ids, role=Role.END_USER).active())
        .values("project_id")
        .annotate(ready_count=Count("pk", filter=Q(ready=True)), total=Count("pk"))
        .order_by()
    )
    return {
        row["project_id"]: {"ready": row["ready_count"], "missing": row["total"] - row["ready_count"]} for row in rows
    }


# --- Sessions ---------------------------------------------------------------------------------------


def sessions_visible(*, membership: Membership) -> QuerySet[TrainingSession]:
    """The sessions of the member's project they may see: all of them, or for those who see only their
    own training, the sessions they are invited to or teach."""
    sessions = TrainingSession.objects.filter(module__project_id=membership.project_id)
    if scope_of(membership, Action.TRAINING_VIEW) != Scope.ALL:
        invited = Attendance.objects.filter(session=OuterRef("pk"), membership=membership)
        sessions = sessions.filter(Q(Exists(invited)) | Q(trainer=membership))
    return sessions


def session_list(*, membership: Membership) -> QuerySet[TrainingSession]:
    """Sessions for the list page, with module, trainer and attendance counts."""
    return (
        sessions_visible(membership=membership)
        .select_related("module", "trainer__user")
        .annotate(
            invited_count=Count("attendances", filter=~Q(attendances__status=Attendance.Status.EXCUSED)),
            attended_count=Count("attendances", filter=Q(attendances__status__in=ATTENDED)),
        )
    )


def session_detail(*, membership: Membership, pk: int) -> TrainingSession:
    """One session the member may see, with its attendees (and whether each is already trained or
    certified for the module) prefetched; `DoesNotExist` otherwise."""
    session = sessions_visible(membership=membership).select_related("module", "trainer__user").get(pk=pk)
    completed = is_certified if session.is_train_the_trainer else is_trained
    session.attendance_list = list(
        session.attendances.select_related("membership__user").annotate(
            completed=completed(OuterRef("membership"), session.module_id)
        )
    )
    return session


def session_counts(session: TrainingSession) -> dict[str, int]:
    """Counts per attendance status over the prefetched `attendance_list`."""
    counts = dict.fromkeys(Attendance.Status.values, 0)
    for attendance in session.attendance_list:
        counts[attendance.status] += 1
    counts["places_taken"] = len(session.attendance_list) - counts[Attendance.Status.EXCUSED]
    return counts


def _overlapping(*, project_id: int, start_at, end_at, exclude_pk: int | None) -> QuerySet[TrainingSession]:
    sessions = TrainingSession.objects.filter(
        module__project_id=project_id, start_at__lt=end_at, end_at__gt=start_at
    ).exclude(status=TrainingSession.Status.CANCELLED)
    return sessions if exclude_pk is None else sessions.exclude(pk=exclude_pk)


def booking_conflicts(
    *, project_id: int, start_at, end_at, membership_ids, exclude_pk: int | None = None
) -> dict[int, list[TrainingSession]]:
    """For each of these members who teaches or attends another session at the same time (excused
    attendees aside), the sessions in the way. Two queries, whatever the number of people."""
    overlapping = _overlapping(project_id=project_id, start_at=start_at, end_at=end_at, exclude_pk=exclude_pk)
    ids = set(membership_ids)
    conflicts: dict[int, list[TrainingSession]] = {}
    for session in overlapping.filter(trainer_id__in=ids).order_by("start_at"):
        conflicts.setdefault(cast(int, session.trainer_id), []).append(session)
    attending = (
        Attendance.objects.filter(session__in=overlapping, membership_id__in=ids)
        .exclude(status=Attendance.Status.EXCUSED)
        .select_related("session")
        .order_by("session__start_at")
    )
    for attendance in attending:
        conflicts.setdefault(attendance.membership_id, []).append(attendance.session)
    return conflicts


def session_conflicts(session: TrainingSession) -> dict[int, list[TrainingSession]]:
    """Double bookings of a session's trainer and attendees (needs `attendance_list`)."""
    if session.is_cancelled:
        return {}
    people = [a.membership_id for a in session.attendance_list if a.status != Attendance.Status.EXCUSED]
    if session.trainer_id:
        people.append(session.trainer_id)
    return booking_conflicts(
        project_id=session.module.project_id,
        start_at=session.start_at,
        end_at=session.end_at,
        membership_ids=people,
        exclude_pk=session.pk,
    )


class Invitable(TypedDict):
    """What `invite_candidates` annotates each member with."""

    works_in_module: bool
    completed: bool
    invited: bool


def invite_candidates(*, session: TrainingSession) -> "QuerySet[WithAnnotations[Membership, Invitable]]":
    """Who may be invited: Key Users to train-the-trainer sessions, end users to the others. Each is
    annotated with `works_in_module`, `completed` (trained or certified for the module already) and
    `invited`; the module's own people come first."""
    if session.is_train_the_trainer:
        role = Role.KEY_USER
        works_in: QuerySet = KeyUserAssignment.objects.filter(membership=OuterRef("pk"), module_id=session.module_id)
        completed = is_certified(OuterRef("pk"), session.module_id)
    else:
        role = Role.END_USER
        works_in = ModuleEndUser.objects.filter(membership=OuterRef("pk"), module_id=session.module_id)
        completed = is_trained(OuterRef("pk"), session.module_id)
    return (
        Membership.objects.filter(project_id=session.module.project_id, role=role)
        .active()
        .exclude(pk=session.trainer_id)
        .select_related("user")
        .annotate(
            works_in_module=Exists(works_in),
            completed=completed,
            invited=Exists(Attendance.objects.filter(session=session, membership=OuterRef("pk"))),
        )
        .order_by("-works_in_module", "department", "user__last_name", "user__first_name", "user__username")
    )


def not_yet_completed(*, session: TrainingSession) -> QuerySet[Membership]:
    """The module's end users not yet trained (Key Users not yet certified for a train-the-trainer
    session) and not yet invited to this session."""
    return invite_candidates(session=session).filter(works_in_module=True, completed=False, invited=False)


def attendance_to_record(*, memberships: Sequence[Membership], now: datetime.datetime) -> QuerySet[TrainingSession]:
    """Sessions these members train that have started and are still planned: their attendance is waiting.
    The trainer records it where the policy lets their role (Key Users: in the modules they own). The
    members come as objects, their ids and roles go into the query as values (as `issues_to_triage`)."""
    scopes = {role: actions.get(Action.ATTENDANCE_RECORD) for role, actions in POLICY.items()}
    everywhere = [m.pk for m in memberships if scopes.get(m.role) == Scope.ALL]
    own_modules = [m.pk for m in memberships if scopes.get(m.role) == Scope.OWN_MODULES]
    trains = Q(trainer_id__in=everywhere)
    if own_modules:  # whether the trainer owns the module is asked only of those it matters for
        owns = Exists(KeyUserAssignment.objects.filter(module=OuterRef("module"), membership=OuterRef("trainer")))
        trains |= Q(owns, trainer_id__in=own_modules)
    return TrainingSession.objects.filter(trains, status=TrainingSession.Status.PLANNED, start_at__lte=now)


def sessions_due_for_reminder(*, now: datetime.datetime | None = None) -> QuerySet[TrainingSession]:
    """Planned sessions that start within the next 24 hours."""
    now = now or timezone.now()
    return TrainingSession.objects.filter(
        status=TrainingSession.Status.PLANNED, start_at__gt=now, start_at__lte=now + datetime.timedelta(hours=24)
    )


# --- A person's training -------------------------------------------------------------------------------


@dataclass
class MyTraining:
    attendances: list[Attendance]
    teaching: Sequence[TrainingSession]
    modules: list  # ModuleEndUser rows (end users) or KeyUserAssignment rows (Key Users), with `completed`


def my_training(*, membership: Membership) -> MyTraining:
    """A person's sessions (as attendee and as trainer) and their status per module: trained for the
    modules they work in (end users), certified for the modules they own (Key Users)."""
    attendances = list(
        Attendance.objects.filter(membership=membership)
        .select_related("session__module", "session__trainer__user")
        .order_by("-session__start_at")
    )
    teaching = list(
        TrainingSession.objects.filter(trainer=membership)
        .select_related("module")
        .annotate(invited_count=Count("attendances", filter=~Q(attendances__status=Attendance.Status.EXCUSED)))
        .order_by("-start_at")
    )
    if membership.role == Role.END_USER:
        modules = list(
            ModuleEndUser.objects.filter(membership=membership, module__in_scope=True)
            .select_related("module")
            .annotate(completed=is_trained(OuterRef("membership"), OuterRef("module")))
            .order_by("module__name")
        )
    elif membership.role == Role.KEY_USER:
        modules = list(
            KeyUserAssignment.objects.filter(membership=membership, module__in_scope=True)
            .select_related("module")
            .annotate(completed=is_certified(OuterRef("membership"), OuterRef("module")))
            .order_by("module__name")
        )
    else:
        modules = []
    return MyTraining(attendances=attendances, teaching=teaching, modules=modules)


def feed_sessions(*, membership: Membership, since: datetime.datetime) -> QuerySet[TrainingSession]:
    """The sessions in a person's calendar feed: those they attend (unless excused) or teach."""
    attending = Attendance.objects.filter(session=OuterRef("pk"), membership=membership).exclude(
        status=Attendance.Status.EXCUSED
    )
    return (
        TrainingSession.objects.filter(module__project_id=membership.project_id, end_at__gte=since)
        .filter(Q(Exists(attending)) | Q(trainer=membership))
        .select_related("module", "trainer__user")
        .order_by("start_at")
    )


# --- The module page's card ------------------------------------------------------------------------------


@module_panels.register(order=10, template="training/_module_card.html")
def module_training_panel(*, module: BusinessModule, membership: Membership) -> dict:
    """Context of the training card on a module's page (two queries), for members who see all training:
    the module's completion and its next sessions."""
    if scope_of(membership, Action.TRAINING_VIEW) != Scope.ALL:
        return {}
    upcoming = (
        TrainingSession.objects.filter(module=module, status=TrainingSession.Status.PLANNED, end_at__gte=timezone.now())
        .select_related("trainer__user")
        .annotate(invited_count=Count("attendances", filter=~Q(attendances__status=Attendance.Status.EXCUSED)))
        .order_by("start_at")[:3]
    )
    return {
        "training_completion": module_completion(module=module),
        "training_upcoming": list(upcoming),
        "can_schedule_training": allows(membership, Action.TRAINING_SCHEDULE, module_id=module.pk),
    }
