"""Reads of business modules that several pages share: each prefetches what its pages show."""

import datetime

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from erpteam.queries import count_subquery
from modules.models import BusinessModule, Deliverable, DeliverableType, KeyUserAssignment, ModuleEndUser
from people.models import Membership
from projects.models import Project
from projects.panels import project_panels

Status = Deliverable.Status
OPEN_DELIVERABLE = (Status.NOT_STARTED, Status.IN_PROGRESS)
# A deliverable counts as due this many days before its due date (home pages, the owner's reminder).
DELIVERABLE_DUE_DAYS = 14


def key_user_assignments_ordered() -> QuerySet[KeyUserAssignment]:
    """Primary first, then backups by name, with the person."""
    return KeyUserAssignment.objects.select_related("membership__user").order_by(
        "-kind", "membership__user__last_name", "membership__user__first_name", "membership__user__username"
    )


# Built once (as a view's class-level queryset is): each annotate() resolves a copy.
_DELIVERABLE_COUNTS = {
    "deliverable_count": count_subquery(Deliverable.objects.filter(module=OuterRef("pk")), per="module"),
    "deliverable_signed_off_count": count_subquery(
        Deliverable.objects.filter(module=OuterRef("pk"), status=Status.SIGNED_OFF), per="module"
    ),
}


def with_deliverable_counts(modules: QuerySet[BusinessModule]) -> QuerySet[BusinessModule]:
    """Modules with `deliverable_count` and `deliverable_signed_off_count`, in the same query."""
    return modules.annotate(**_DELIVERABLE_COUNTS)


def with_progress(modules: QuerySet[BusinessModule]) -> QuerySet[BusinessModule]:
    """Modules with their Key Users prefetched and counts of end users and deliverables by status."""
    return with_deliverable_counts(
        modules.prefetch_related(Prefetch("key_user_assignments", queryset=key_user_assignments_ordered()))
    ).annotate(
        end_user_count=count_subquery(ModuleEndUser.objects.filter(module=OuterRef("pk")), per="module"),
        deliverable_done_count=count_subquery(
            Deliverable.objects.filter(module=OuterRef("pk"), status=Status.DONE), per="module"
        ),
    )


def module_list(*, project) -> QuerySet[BusinessModule]:
    """A project's modules, in scope first, with Key Users and progress."""
    return with_progress(BusinessModule.objects.filter(project=project)).order_by("-in_scope", "name")


def module_detail(*, project, module_id: int) -> BusinessModule:
    """One module of the project (404 for another project's) with everything its page shows."""
    queryset = BusinessModule.objects.filter(project=project).prefetch_related(
        Prefetch("key_user_assignments", queryset=key_user_assignments_ordered()),
        Prefetch(
            "end_users",
            queryset=ModuleEndUser.objects.select_related("membership__user").order_by(
                "membership__user__last_name", "membership__user__first_name", "membership__user__username"
            ),
        ),
        Prefetch(
            "deliverables",
            queryset=Deliverable.objects.select_related("owner__user", "signed_off_by").order_by("position", "name"),
        ),
    )
    return get_object_or_404(queryset, pk=module_id)


def project_key_users(*, project) -> QuerySet[Membership]:
    """Active Key Users of the project: the people a module's Key Users are chosen from."""
    return (
        Membership.objects.active()
        .filter(project=project, role=Membership.Role.KEY_USER)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def project_end_users(*, project) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .filter(project=project, role=Membership.Role.END_USER)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def deliverable_owners(*, project) -> QuerySet[Membership]:
    """Who may own a deliverable: the project's active members other than end users."""
    return (
        Membership.objects.active()
        .filter(project=project)
        .exclude(role=Membership.Role.END_USER)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def deliverable_types(*, project) -> QuerySet[DeliverableType]:
    return (
        DeliverableType.objects.filter(project=project)
        .annotate(usage=Count("deliverables"))
        .order_by("position", "name")
    )


def key_user_matrix(*, project) -> tuple[list[Membership], list[tuple[BusinessModule, dict[int, str]]]]:
    """The module × Key User matrix: the Key Users (columns) and, per module, membership id → kind."""
    modules = list(
        BusinessModule.objects.filter(project=project)
        .prefetch_related(Prefetch("key_user_assignments", queryset=key_user_assignments_ordered()))
        .order_by("-in_scope", "name")
    )
    people: dict[int, Membership] = {}
    rows = []
    for module in modules:
        kinds = {}
        for assignment in module.key_user_assignments.all():
            people.setdefault(assignment.membership_id, assignment.membership)
            kinds[assignment.membership_id] = assignment.kind
        rows.append((module, kinds))
    columns = sorted(people.values(), key=lambda m: (m.user.last_name, m.user.first_name, m.user.username))
    return columns, rows


def deliverables_due(*, today: datetime.date, within_days: int = DELIVERABLE_DUE_DAYS) -> QuerySet[Deliverable]:
    """Deliverables of in-scope modules not done yet and due within `within_days` or overdue, soonest
    first, with their module, project and owner."""
    return (
        Deliverable.objects.filter(
            module__in_scope=True,
            status__in=OPEN_DELIVERABLE,
            due_date__lte=today + datetime.timedelta(days=within_days),
        )
        .select_related("module__project", "owner__user")
        .order_by("due_date", "module__name", "position")
    )


def project_modules(*, project) -> QuerySet[BusinessModule]:
    """A project's modules, in scope first, with their Key Users (primary first) and progress."""
    return with_progress(BusinessModule.objects.filter(project=project)).order_by("-in_scope", "name")


def deliverable_totals(*, project, today: datetime.date) -> dict[str, int]:
    """The project's deliverables of in-scope modules by status, and how many are overdue."""
    Status = Deliverable.Status
    return Deliverable.objects.filter(module__project=project, module__in_scope=True).aggregate(
        total=Count("pk"),
        not_started=Count("pk", filter=Q(status=Status.NOT_STARTED)),
        in_progress=Count("pk", filter=Q(status=Status.IN_PROGRESS)),
        done=Count("pk", filter=Q(status=Status.DONE)),
        signed_off=Count("pk", filter=Q(status=Status.SIGNED_OFF)),
        overdue=Count("pk", filter=Q(due_date__lt=today, status__in=[Status.NOT_STARTED, Status.IN_PROGRESS])),
    )


@project_panels.register(order=10)
def project_overview_modules(*, project: Project, today: datetime.date) -> dict:
    """The project overview's modules with their Key Users and progress, and its deliverables' totals."""
    return {
        "modules": project_modules(project=project),
        "deliverables": deliverable_totals(project=project, today=today),
    }
