"""What each person acts on, role by role: the blocks of the home page.

One function per role takes all of a person's memberships in that role (one per project, as
`readiness.selectors.portfolio` gives them: with their project's readiness as of the latest snapshot and
its latest go / no-go decision) and returns, per membership id, what its block shows. Each runs a
constant number of queries, whatever the number of projects and the size of the data: a list keeps its
first `LIMIT` rows per project (a window function in the database) with the count of all of them, and
its card links to the full list. Readiness comes from the latest snapshot (taken every hour), judged
with the rules of `readiness.evidence`.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from erpteam.queries import count_subquery
from issues.models import Issue
from issues.selectors import issues_on_desk, issues_to_triage
from modules.models import BusinessModule, Deliverable, KeyUserAssignment, ModuleEndUser
from modules.selectors import OPEN_DELIVERABLE, deliverables_due, key_user_assignments_ordered
from people.models import Membership
from projects.models import Project
from readiness.evidence import (
    FIGURE_NAMES,
    EvidenceLinks,
    ModuleFigures,
    ModuleReadiness,
    ProjectReadiness,
    Thresholds,
    evaluate,
)
from readiness.models import ReadinessSnapshot, ReadinessStatus
from training.models import Attendance, TrainingSession
from training.selectors import attendance_to_record, go_live_access_counts, is_trained

Role = Membership.Role
LIMIT = 6
WEEK = datetime.timedelta(days=7)
# A project this close to its target go-live, and not live yet, needs its readiness and its decision.
NEAR_GO_LIVE_DAYS = 60
TOP_RISKS = 5


@dataclass
class Listing:
    """The first rows of a list and how many there are in all."""

    items: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def _listings(queryset: QuerySet, *, per: str, order_by: Sequence[str], limit: int = LIMIT) -> dict[int, Listing]:
    """The first `limit` rows of `queryset` per value of `per` (a path to the project id), with the count
    of all rows of that project, in one query."""
    rows = (
        queryset.annotate(
            listing_group=F(per),
            listing_rank=Window(RowNumber(), partition_by=F(per), order_by=list(order_by)),
            listing_total=Window(Count("pk"), partition_by=F(per)),
        )
        .filter(listing_rank__lte=limit)
        .order_by(*order_by)
    )
    listings: dict[int, Listing] = {}
    for row in rows:
        listings.setdefault(row.listing_group, Listing(total=row.listing_total)).items.append(row)
    return listings


def _grouped(rows, key: Callable) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(key(row), []).append(row)
    return grouped


def _queryset(memberships: Sequence[Membership]) -> QuerySet[Membership]:
    return Membership.objects.filter(pk__in=[m.pk for m in memberships])


def _this_week(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """From the start of today (in the person's time zone) to the same time seven days later."""
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + WEEK


ISSUE_ORDER = ("severity", "resolve_due", "number")


def near_go_live(project: Project, today: datetime.date) -> bool:
    """Not live yet and at most `NEAR_GO_LIVE_DAYS` from the target go-live (or past it)."""
    not_live = project.actual_go_live is None and project.phase not in (Project.Phase.HYPERCARE, Project.Phase.CLOSED)
    return not_live and (project.target_go_live - today).days <= NEAR_GO_LIVE_DAYS


def _latest_snapshots(project_ids: Sequence[int]) -> QuerySet[ReadinessSnapshot]:
    """Each module's row of its project's latest readiness snapshot (the day the portfolio counts)."""
    latest_day = (
        ReadinessSnapshot.objects.filter(project=OuterRef("project"))
        .order_by()
        .values("project")
        .annotate(day=Max("day"))
        .values("day")
    )
    return ReadinessSnapshot.objects.filter(project_id__in=project_ids, day=Subquery(latest_day)).select_related(
        "module", "project"
    )


def _readiness_of(snapshot: ReadinessSnapshot) -> ModuleReadiness:
    """A module's readiness with its reasons, from the figures its snapshot recorded."""
    figures = ModuleFigures(module_id=snapshot.module_id, **{name: getattr(snapshot, name) for name in FIGURE_NAMES})
    thresholds = Thresholds.of(snapshot.project)
    return evaluate(snapshot.module, figures, thresholds, EvidenceLinks(snapshot.project_id))


def _issues(issues: QuerySet[Issue]) -> QuerySet[Issue]:
    return issues.select_related("module", "assignee__user")


# --- Consultants ----------------------------------------------------------------------------------------


def consultant_blocks(*, memberships: Sequence[Membership], now: datetime.datetime) -> dict[int, dict]:
    """Application and technical consultants: modules without a backup Key User, overdue deliverables,
    issues escalated to them, the week's sessions, and whether the project is near go-live and not
    ready (from the readiness `portfolio` gave the memberships). Five queries."""
    project_ids = [m.project_id for m in memberships]
    today = timezone.localdate(now)
    week_start, week_end = _this_week(now)
    key_users = KeyUserAssignment.objects.effective().filter(module=OuterRef("pk"))
    without_backup = _listings(
        BusinessModule.objects.filter(project_id__in=project_ids, in_scope=True)
        .annotate(key_user_count=count_subquery(key_users, per="module"))
        .filter(key_user_count__lt=2)
        .prefetch_related(Prefetch("key_user_assignments", queryset=key_user_assignments_ordered().effective())),
        per="project_id",
        order_by=("name", "pk"),
    )
    overdue_deliverables = _listings(
        Deliverable.objects.filter(
            module__project_id__in=project_ids,
            module__in_scope=True,
            status__in=OPEN_DELIVERABLE,
            due_date__lt=today,
        ).select_related("module", "owner__user"),
        per="module__project_id",
        order_by=("due_date", "module__name", "pk"),
    )
    escalated = _listings(_issues(issues_on_desk(memberships=memberships)), per="project_id", order_by=ISSUE_ORDER)
    sessions = _listings(
        TrainingSession.objects.filter(
            module__project_id__in=project_ids,
            status=TrainingSession.Status.PLANNED,
            start_at__gte=week_start,
            start_at__lt=week_end,
        ).select_related("module", "trainer__user"),
        per="module__project_id",
        order_by=("start_at", "pk"),
    )
    return {
        m.pk: {
            "modules_without_backup": without_backup.get(m.project_id, Listing()),
            "overdue_deliverables": overdue_deliverables.get(m.project_id, Listing()),
            "escalated_issues": escalated.get(m.project_id, Listing()),
            "sessions_this_week": sessions.get(m.project_id, Listing()),
            "near_go_live_not_ready": near_go_live(m.project, today)
            and m.readiness_status not in (None, ReadinessStatus.READY),
        }
        for m in memberships
    }


# --- Key Users --------------------------------------------------------------------------------------------


def key_user_blocks(*, memberships: Sequence[Membership], now: datetime.datetime) -> dict[int, dict]:
    """Key Users: their modules with their readiness (as of the latest snapshot), issues to triage in
    them, overdue issues, the sessions they train this week and those whose attendance is still to
    record, their deliverables due. Seven queries."""
    people = _queryset(memberships)
    _start, week_end = _this_week(now)
    assignments = list(
        KeyUserAssignment.objects.filter(membership__in=people, module__in_scope=True)
        .select_related("module")
        .order_by("module__name")
    )
    owned = KeyUserAssignment.objects.filter(membership__in=people).values("module_id")
    snapshots = _latest_snapshots([m.project_id for m in memberships]).filter(module_id__in=owned)
    readiness = {snapshot.module_id: _readiness_of(snapshot) for snapshot in snapshots}
    for assignment in assignments:
        assignment.readiness = readiness.get(assignment.module_id)
    modules = _grouped(assignments, key=lambda a: a.membership_id)
    to_triage = _listings(
        _issues(issues_to_triage(memberships=memberships)), per="project_id", order_by=("created_at", "number")
    )
    overdue = _listings(
        _issues(Issue.objects.overdue(now).filter(Q(module_id__in=owned) | Q(assignee__in=people))),
        per="project_id",
        order_by=ISSUE_ORDER,
    )
    teaching = _listings(
        TrainingSession.objects.filter(
            trainer__in=people, status=TrainingSession.Status.PLANNED, start_at__gt=now, start_at__lt=week_end
        ).select_related("module"),
        per="module__project_id",
        order_by=("start_at", "pk"),
    )
    to_record = _listings(
        attendance_to_record(memberships=memberships, now=now).select_related("module"),
        per="module__project_id",
        order_by=("start_at", "pk"),
    )
    deliverables = _listings(
        deliverables_due(today=timezone.localdate(now)).filter(owner__in=people),
        per="module__project_id",
        order_by=("due_date", "module__name", "pk"),
    )
    return {
        m.pk: {
            "modules": modules.get(m.pk, []),
            "issues_to_triage": to_triage.get(m.project_id, Listing()),
            "overdue_issues": overdue.get(m.project_id, Listing()),
            "sessions_teaching": teaching.get(m.project_id, Listing()),
            "attendance_to_record": to_record.get(m.project_id, Listing()),
            "deliverables_due": deliverables.get(m.project_id, Listing()),
        }
        for m in memberships
    }


# --- IT users ---------------------------------------------------------------------------------------------


def it_user_blocks(*, memberships: Sequence[Membership], now: datetime.datetime) -> dict[int, dict]:
    """IT users: technical issues assigned or escalated to them, the go-live access list and the accounts
    to create. Two queries."""
    technical = _listings(_issues(issues_on_desk(memberships=memberships)), per="project_id", order_by=ISSUE_ORDER)
    access = go_live_access_counts(project_ids=[m.project_id for m in memberships])
    return {
        m.pk: {
            "technical_issues": technical.get(m.project_id, Listing()),
            "access": access.get(m.project_id, {"ready": 0, "missing": 0}),
        }
        for m in memberships
    }


# --- End users --------------------------------------------------------------------------------------------


def end_user_blocks(*, memberships: Sequence[Membership], now: datetime.datetime) -> dict[int, dict]:
    """End users: their upcoming sessions, their training per module, their requests and where each
    stands (those waiting on them first). Three queries."""
    people = _queryset(memberships)
    upcoming = _listings(
        Attendance.objects.filter(
            membership__in=people, session__status=TrainingSession.Status.PLANNED, session__end_at__gte=now
        )
        .exclude(status=Attendance.Status.EXCUSED)
        .select_related("session__module", "session__trainer__user"),
        per="membership__project_id",
        order_by=("session__start_at", "pk"),
    )
    modules = _grouped(
        ModuleEndUser.objects.filter(membership__in=people, module__in_scope=True)
        .select_related("module")
        .annotate(trained=is_trained(OuterRef("membership"), OuterRef("module")))
        .order_by("module__name"),
        key=lambda row: row.membership_id,
    )
    waiting_on_me = Q(status=Issue.Status.WAITING, waiting_on__in=people)
    requests = _listings(
        Issue.objects.filter(Q(reporter__in=people) | Q(affected_end_user__in=people))
        .annotate(
            urgency=Case(
                When(waiting_on_me, then=Value(0)),
                When(status__in=Issue.OPEN_STATUSES, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .select_related("module", "waiting_on__user"),
        per="project_id",
        order_by=("urgency", "-updated_at", "-number"),
    )
    return {
        m.pk: {
            "upcoming_sessions": upcoming.get(m.project_id, Listing()),
            "modules": modules.get(m.pk, []),
            "requests": requests.get(m.project_id, Listing()),
        }
        for m in memberships
    }


# --- Managers ---------------------------------------------------------------------------------------------


def manager_blocks(*, memberships: Sequence[Membership], now: datetime.datetime) -> dict[int, dict]:
    """Managers: the readiness of their projects (from what `portfolio` gave the memberships), the
    go / no-go decisions waiting for them, the top risks (as of the latest snapshot). One query."""
    today = timezone.localdate(now)
    by_project = _grouped(_latest_snapshots([m.project_id for m in memberships]), key=lambda s: s.project_id)
    blocks = {}
    for m in memberships:
        snapshots = by_project.get(m.project_id, [])
        readiness = ProjectReadiness(
            project=m.project,
            today=snapshots[0].day if snapshots else today,
            thresholds=Thresholds.of(m.project),
            modules=sorted((_readiness_of(s) for s in snapshots), key=lambda r: r.module.name),
        )
        blocks[m.pk] = {
            "top_risks": readiness.top_risks(TOP_RISKS) if snapshots else [],
            "decision_waiting": near_go_live(m.project, today) and not (m.decision and m.decision.is_go),
        }
    return blocks


ROLE_BLOCKS: dict[str, Callable[..., dict[int, dict]]] = {
    Role.APP_CONSULTANT: consultant_blocks,
    Role.TECH_CONSULTANT: consultant_blocks,
    Role.KEY_USER: key_user_blocks,
    Role.IT_USER: it_user_blocks,
    Role.END_USER: end_user_blocks,
    Role.MANAGER: manager_blocks,
}


def workspace(*, memberships: Sequence[Membership], now: datetime.datetime | None = None) -> dict[int, dict]:
    """Membership id → what its block shows, calling each role's function once for all its memberships."""
    now = now or timezone.now()
    by_function: dict[Callable, list[Membership]] = {}
    for membership in memberships:
        by_function.setdefault(ROLE_BLOCKS[membership.role], []).append(membership)
    blocks: dict[int, dict] = {}
    for function, members in by_function.items():
        blocks.update(function(memberships=members, now=now))
    return blocks
