"""Reads of issues that pages and dashboards share. Each list starts from what the member may see."""

import functools
import json
import operator
from collections.abc import Sequence
from functools import reduce

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from erpteam.permissions import Action, Role, Scope, allows, scope_of
from issues.models import Comment, Decision, Escalation, Issue, IssueEvent, IssueQuerySet, SolutionOption
from modules.models import KeyUserAssignment
from modules.panels import module_panels
from people.models import Membership
from projects.models import Project

Tier = Issue.Tier
# The roles that work issues: they can be assigned one.
WORKER_ROLES = frozenset({Role.APP_CONSULTANT, Role.TECH_CONSULTANT, Role.KEY_USER, Role.IT_USER})
# Who can take an issue at each tier (an escalation may name one of them as the new assignee).
TIER_ROLES: dict[str, frozenset[Role]] = {
    Tier.KEY_USER: frozenset({Role.KEY_USER}),
    Tier.CONSULTANT: frozenset({Role.APP_CONSULTANT}),
    Tier.TECHNICAL: frozenset({Role.TECH_CONSULTANT, Role.IT_USER}),
}
# A module with this many open training-gap issues gets a suggestion to schedule a refresher.
REFRESHER_THRESHOLD = 3
# Above this many issues, a list's count is PostgreSQL's estimate rather than a count of every row.
EXACT_COUNT_UP_TO = 10_000


def issues_visible(*, membership: Membership) -> IssueQuerySet:
    """The project's issues this member may see: all of them, or, for end users, those raised for them."""
    scope = scope_of(membership, Action.ISSUE_VIEW)
    issues = Issue.objects.filter(project_id=membership.project_id)
    if scope == Scope.ALL:
        return issues
    if scope == Scope.OWN:
        return issues.filter(Q(affected_end_user=membership) | Q(reporter=membership))
    return issues.none()


def issue_list(*, membership: Membership) -> IssueQuerySet:
    """Visible issues with everything a list row shows."""
    return issues_visible(membership=membership).select_related(
        "module", "assignee__user", "reporter__user", "affected_end_user__user", "waiting_on__user"
    )


class IssuePaginator(Paginator):
    """Pages of an issue list whose cost follows the page, not the table: a page reads its issues' ids
    first (through the index of the list's order) and joins only those rows; the count is exact up to
    `EXACT_COUNT_UP_TO` and, on PostgreSQL, the planner's estimate above it (`estimated` says so)."""

    def __init__(self, issues: QuerySet[Issue], per_page: int):
        self.ids = issues.values_list("pk", flat=True)
        super().__init__(self.ids, per_page)
        self.issues = issues
        self.estimated = False

    @functools.cached_property
    def count(self) -> int:
        ids = self.ids.order_by()
        if connections[ids.db].vendor != "postgresql":
            return ids.count()
        counted = ids[: EXACT_COUNT_UP_TO + 1].count()
        if counted <= EXACT_COUNT_UP_TO:
            return counted
        self.estimated = True
        return max(json.loads(ids.explain(format="json"))[0]["Plan"]["Plan Rows"], counted)

    def page(self, number) -> Page:
        # A page holds its full share of rows whatever the count says: an estimate may fall short.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list[bottom : bottom + self.per_page])
        rows = self.issues.in_bulk(ids)
        return Page([rows[pk] for pk in ids if pk in rows], number, self)


def issue_detail(*, membership: Membership, issue_id: int) -> Issue:
    """One visible issue with its conversation, alternatives, decisions and timeline; 404 otherwise."""
    issues = (
        issue_list(membership=membership)
        .select_related("project")
        .prefetch_related(
            Prefetch("comments", queryset=Comment.objects.select_related("author__user")),
            Prefetch("options", queryset=SolutionOption.objects.select_related("author__user")),
            Prefetch("decisions", queryset=Decision.objects.select_related("decided_by__user", "option")),
            Prefetch("escalations", queryset=Escalation.objects.select_related("escalated_by__user")),
            Prefetch(
                "events", queryset=IssueEvent.objects.select_related("actor__user").order_by("-created_at", "-id")
            ),
            "attachments",
        )
    )
    return get_object_or_404(issues, pk=issue_id)


def issue_for_action(*, membership: Membership, issue_id: int) -> Issue:
    """A visible issue, without its related lists (for the POST handlers); 404 otherwise."""
    return get_object_or_404(issues_visible(membership=membership).select_related("project", "module"), pk=issue_id)


def _at_their_tier(memberships: Sequence[Membership]) -> Q:
    """Issues given to nobody yet at a tier above the Key User that one of these members serves (none
    for members who serve no such tier)."""
    tiers = [
        Q(tier=tier, project_id__in=projects)
        for tier, roles in TIER_ROLES.items()
        if tier != Tier.KEY_USER and (projects := [m.project_id for m in memberships if m.role in roles])
    ]
    return (Q(assignee__isnull=True) & reduce(operator.or_, tiers)) if tiers else Q(pk__in=[])


# The selectors below take the members as objects (every page's navigation counts with them): their ids,
# roles and projects go into the query as values, which is planned and compiled in a fraction of the
# time subqueries on the memberships take.


def issues_on_desk(*, memberships: Sequence[Membership]) -> QuerySet[Issue]:
    """Open issues waiting for these (active) members: assigned to them, or escalated to the tier their
    role serves (application consultants; IT users and technical consultants) and not given to anyone."""
    return Issue.objects.open().filter(
        Q(assignee_id__in=[m.pk for m in memberships]) | _at_their_tier(memberships),
        project_id__in=[m.project_id for m in memberships],
    )


def issues_to_triage(*, memberships: Sequence[Membership]) -> QuerySet[Issue]:
    """New issues these (active) members are expected to triage: in the modules they own as Key Users,
    assigned to them, or at their tier and given to no one."""
    ids = [m.pk for m in memberships]
    wanted = Q(assignee_id__in=ids) | _at_their_tier(memberships)
    key_users = [m.pk for m in memberships if m.role == Membership.Role.KEY_USER]
    if key_users:  # only Key Users own modules: nobody else's navigation asks which
        owned = KeyUserAssignment.objects.effective().filter(membership_id__in=key_users).values("module_id")
        wanted |= Q(module_id__in=owned)
    return Issue.objects.filter(wanted, status=Issue.Status.NEW, project_id__in=[m.project_id for m in memberships])


def project_members(*, project: Project, roles=None) -> QuerySet[Membership]:
    members = Membership.objects.active().filter(project=project).select_related("user")
    return members.filter(role__in=roles) if roles is not None else members


def issue_workers(*, project: Project) -> QuerySet[Membership]:
    """Who an issue can be assigned to."""
    return project_members(project=project, roles=WORKER_ROLES)


_S1_S2 = Q(severity__in=[Issue.Severity.S1, Issue.Severity.S2])
# The counts that do not depend on the time, built once (each annotate() resolves a copy).
_OPEN_COUNTS = {
    "open": Count("id"),
    "open_s1": Count("id", filter=Q(severity=Issue.Severity.S1)),
    "open_s2": Count("id", filter=Q(severity=Issue.Severity.S2)),
    "open_s3": Count("id", filter=Q(severity=Issue.Severity.S3)),
    "open_s4": Count("id", filter=Q(severity=Issue.Severity.S4)),
    "open_blocking": Count("id", filter=Q(blocks_go_live=True)),
    "open_s1_s2": Count("id", filter=_S1_S2),
    "open_blocking_or_s1_s2": Count("id", filter=Q(blocks_go_live=True) | _S1_S2),
    "open_training_gap": Count("id", filter=Q(category=Issue.Category.TRAINING_GAP)),
}


COUNT_NAMES = (*_OPEN_COUNTS, "overdue")


def _counts_by_module(issues: QuerySet[Issue], names: Sequence[str], now) -> QuerySet:
    """(module id, *counts `names`) rows of the open issues among `issues`, overdue at `now`."""
    counts = {**_OPEN_COUNTS, "overdue": Count("id", filter=Issue.overdue_q(now))}
    return (
        # Every figure is about open issues: only those are read (the settled ones are most of a long
        # rollout's), and the counts need not ask again whether each one is open.
        issues.filter(status__in=Issue.OPEN_STATUSES)
        .values("module_id")
        .annotate(**{name: counts[name] for name in names})
        .order_by()
        .values_list("module_id", *names)
    )


def _per_module(rows, names: Sequence[str]) -> dict[int, dict]:
    """Module id → its counts by name (and whether a refresher is worth suggesting, with the training gaps)."""
    per_module = {}
    for module_id, *values in rows:
        counts = per_module[module_id] = dict(zip(names, values, strict=True))
        if "open_training_gap" in counts:
            counts["refresher_suggested"] = counts["open_training_gap"] >= REFRESHER_THRESHOLD
    return per_module


def module_issue_counts(*, project: Project, names: Sequence[str] = COUNT_NAMES) -> dict[int, dict]:
    """Per module (id → counts), in one query: open issues, open by severity, open blocking go-live,
    open S1/S2, open blocking go-live or S1/S2 (each issue once), overdue, open training gaps, and
    whether a refresher session is worth suggesting; or only the counts `names` (each one costs the
    database a test per open issue). Modules without open issues are absent: read with
    `.get(module_id, EMPTY_COUNTS)`."""
    return _per_module(_counts_by_module(Issue.objects.filter(project=project), names, timezone.now()), names)


def module_issue_summary(*, module) -> dict:
    """The counts of one module (for its page), in one query."""
    rows = _counts_by_module(Issue.objects.filter(module_id=module.pk), COUNT_NAMES, timezone.now())
    return _per_module(rows, COUNT_NAMES).get(module.pk, EMPTY_COUNTS)


EMPTY_COUNTS = {
    "open": 0,
    "open_s1": 0,
    "open_s2": 0,
    "open_s3": 0,
    "open_s4": 0,
    "open_blocking": 0,
    "open_s1_s2": 0,
    "open_blocking_or_s1_s2": 0,
    "overdue": 0,
    "open_training_gap": 0,
    "refresher_suggested": False,
}


@module_panels.register(order=20, template="issues/_module_card.html")
def module_issue_panel(*, module, membership: Membership) -> dict:
    """Context of the issues card on a module's page (one query), for members who see all issues."""
    if scope_of(membership, Action.ISSUE_VIEW) != Scope.ALL:
        return {}
    counts = module_issue_summary(module=module)
    styles = {"s1": "danger", "s2": "warning", "s3": "info", "s4": "secondary"}
    return {
        "issue_counts": counts,
        "issue_severity_counts": [
            (label, counts[f"open_{value}"], styles[value]) for value, label in Issue.Severity.choices
        ],
        "can_log_issue": allows(membership, Action.ISSUE_LOG, module_id=module.pk),
        "can_schedule_refresher": allows(membership, Action.TRAINING_SCHEDULE, module_id=module.pk),
    }
