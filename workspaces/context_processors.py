from django.db.models import Count, Value
from django.utils import timezone
from django.utils.functional import cached_property

from erpteam.permissions import POLICY, Action, active_memberships
from issues.selectors import issues_to_triage
from notifications.selectors import unread_notifications
from people.models import Membership
from training.selectors import attendance_to_record


class WorkCounts:
    """What the navigation needs to know of the person: what waits for them (issues to triage, sessions
    whose attendance is still to record, per project; their unread notifications) and whether they read
    readiness anywhere (for the portfolio). Two queries, run only when a page shows them: their
    memberships (none on a project's page, which has read them), then every count in one, which takes
    the memberships' ids, roles and projects as values (planned and compiled in a fraction of the time
    subqueries on the person's memberships take, on every page)."""

    def __init__(self, request):
        self.request = request
        match = request.resolver_match
        self.project_id = match.kwargs.get("project_id") if match else None

    @property
    def _memberships(self) -> list[Membership]:
        """The person's active memberships (those a project's page has read already)."""
        return active_memberships(self.request)

    @cached_property
    def _waiting(self) -> dict[str, dict[int, int]]:
        """Kind of work → project id → how many wait."""

        def per_project(queryset, project_field: str, kind: str):
            return (
                queryset.order_by()
                .values(project_field)
                .annotate(kind=Value(kind), n=Count("pk"))
                .values_list(project_field, "kind", "n")
            )

        triage = per_project(issues_to_triage(memberships=self._memberships), "project_id", "triage")
        sessions = attendance_to_record(memberships=self._memberships, now=timezone.now())
        unread = unread_notifications(user=self.request.user)
        waiting = {"triage": {}, "attendance": {}, "unread": {}}
        counts = triage.union(
            per_project(sessions, "module__project_id", "attendance"),
            per_project(unread, "project_id", "unread"),
            all=True,
        )
        for project_id, kind, n in counts:
            waiting[kind][project_id] = n
        return waiting

    @cached_property
    def sees_readiness(self) -> bool:
        return any(Action.READINESS_VIEW in POLICY.get(m.role, {}) for m in self._memberships)

    @property
    def total(self) -> int:
        """Issues to triage and attendance to record, in every project."""
        return sum(self._waiting["triage"].values()) + sum(self._waiting["attendance"].values())

    @property
    def unread(self) -> int:
        """Unread notifications, whatever their project."""
        return sum(self._waiting["unread"].values())

    @property
    def here(self) -> dict[str, int]:
        """The counts of the project the page belongs to."""
        return {kind: counts.get(self.project_id, 0) for kind, counts in self._waiting.items()}


def work_counts(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"work_counts": WorkCounts(request)}
