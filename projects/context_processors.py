from django.db.models import Count
from django.utils import timezone
from django.utils.functional import cached_property

from erpteam.permissions import POLICY, Action, active_memberships
from issues.selectors import issues_to_triage
from people.models import Membership
from training.selectors import attendance_to_record


class WorkCounts:
    """What the navigation needs to know of the person: what waits for them (issues to triage, sessions
    whose attendance is still to record, per project) and whether they read readiness anywhere (for
    the portfolio). Three queries, run only when a page shows them: their memberships (none on a
    project's page, which has read them), then one count each, which take the memberships' ids, roles
    and projects as values (planned and compiled in a fraction of the time subqueries on the person's
    memberships take, on every page)."""

    def __init__(self, request):
        self.request = request
        match = request.resolver_match
        self.project_id = match.kwargs.get("project_id") if match else None

    @property
    def _memberships(self) -> list[Membership]:
        """The person's active memberships (those a project's page has read already)."""
        return active_memberships(self.request)

    @staticmethod
    def _per_project(queryset, project_field: str) -> dict[int, int]:
        rows = queryset.order_by().values(project_field).annotate(n=Count("pk"))
        return {row[project_field]: row["n"] for row in rows}

    @cached_property
    def triage(self) -> dict[int, int]:
        return self._per_project(issues_to_triage(memberships=self._memberships), "project_id")

    @cached_property
    def attendance(self) -> dict[int, int]:
        sessions = attendance_to_record(memberships=self._memberships, now=timezone.now())
        return self._per_project(sessions, "module__project_id")

    @cached_property
    def sees_readiness(self) -> bool:
        return any(Action.READINESS_VIEW in POLICY.get(m.role, {}) for m in self._memberships)

    @property
    def total(self) -> int:
        return sum(self.triage.values()) + sum(self.attendance.values())

    @property
    def here(self) -> dict[str, int]:
        """The counts of the project the page belongs to."""
        return {"triage": self.triage.get(self.project_id, 0), "attendance": self.attendance.get(self.project_id, 0)}


def work_counts(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"work_counts": WorkCounts(request)}
